import type { ProblemCode } from '../common/result';
import type { ChangedResult, NoticeCheckResult } from '../reports';
import type { EndpointCheckResult, FindingId } from '../tls';

/** Bumped on any incompatible change to the payload; content/schemas/alert-payload.schema.json describes it. */
export const PAYLOAD_SCHEMA_VERSION = 1;

export const ALERT_KINDS = [
  'notice-changed',
  'notice-held',
  'endpoint-noncompliant',
  'endpoint-recovered',
  'check-failing',
  'check-recovered',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Why an endpoint alert was sent: its compliance moved, or its certificate crossed the expiry warning. */
export type EndpointReason = 'compliance-lost' | 'certificate-expiring' | 'compliance-restored' | 'certificate-renewed';

export type AlertSubject =
  | { readonly type: 'notice'; readonly id: string; readonly url: string }
  | {
      readonly type: 'endpoint';
      readonly id: string;
      readonly host: string;
      readonly port: number;
      readonly address: string | null;
    };

export interface AlertSummary {
  /** One line for a person. */
  readonly text: string;
  readonly sections?: ReadonlyArray<{ readonly heading: string; readonly change: string }>;
  readonly sectionsTotal?: number;
  readonly metadataKeys?: readonly string[];
  /** The first changed words: what was removed and what was added, in which section. */
  readonly words?: { readonly heading: string; readonly removed: string; readonly added: string } | null;
  readonly linesAdded?: number;
  readonly linesRemoved?: number;
  /** notice-changed: how much the change matters, from its claims (see ChangeSeverity). */
  readonly severity?: string;
  /** notice-changed: the claims that changed, without their evidence (the report has it). */
  readonly claimChanges?: ReadonlyArray<{
    readonly claim: string;
    readonly change: string;
    readonly before: string | null;
    readonly after: string | null;
  }>;
  readonly compliant?: boolean;
  readonly reasons?: readonly EndpointReason[];
  readonly findings?: ReadonlyArray<{ readonly id: string; readonly severity: string; readonly message: string }>;
  readonly certificate?: { readonly validTo: string; readonly daysRemaining: number } | null;
  /** The check's problem, or for an endpoint without one its first blocking finding. */
  readonly error?: { readonly code: ProblemCode | FindingId; readonly message: string };
  readonly consecutiveFailures?: number;
}

export interface AlertLinks {
  /** The report in the read API. */
  readonly report: string | null;
  /** The change in the dashboard (notice-changed only). */
  readonly change: string | null;
  readonly dashboard: string | null;
}

/** What a webhook receives, and what a Teams card and a feed entry are made from. */
export interface AlertPayload {
  readonly schemaVersion: number;
  /** The Idempotency-Key: `<report name>#<kind>`, the same on every attempt. */
  readonly id: string;
  readonly kind: AlertKind;
  /** When the check that raised it ran. */
  readonly occurredAt: string;
  readonly runId: string;
  readonly subject: AlertSubject;
  /** Blob name of the report in the reports container. */
  readonly report: string;
  readonly title: string;
  readonly summary: AlertSummary;
  readonly links: AlertLinks;
  /** Set only on `noticewatch notify test` samples. */
  readonly test?: boolean;
}

/** Facts the tracking state adds to a report (how many runs failed, why an endpoint alert fires). */
export interface AlertFacts {
  readonly consecutiveFailures?: number;
  readonly reasons?: readonly EndpointReason[];
}

/** A report as stored: a notice check or an endpoint check. */
export type ReportDocument =
  | (NoticeCheckResult & { readonly kind: 'notice-check' })
  | (EndpointCheckResult & { readonly kind: 'endpoint-check'; readonly runId: string; readonly report: string | null });

const MAX_SECTIONS = 10;
const MAX_METADATA_KEYS = 20;
const MAX_FINDINGS = 10;
const MAX_CLAIM_CHANGES = 20;
const MAX_WORDS = 280;

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The first change block's removed and added words (just the highlighted parts when there are some). */
function firstWords(result: ChangedResult): AlertSummary['words'] {
  const change = result.wordChanges?.find((item) => item.parts.some((part) => part.kind !== 'same'));
  if (!change) return null;
  const pick = (kind: 'added' | 'removed') =>
    clip(
      change.parts
        .filter((part) => part.kind === kind)
        .map((part) => part.text)
        .join(' … '),
      MAX_WORDS,
    );
  return { heading: clip(change.heading, 200), removed: pick('removed'), added: pick('added') };
}

export function idempotencyKey(report: string, kind: AlertKind): string {
  return `${report}#${kind}`;
}

/** Links never carry a function key (a secret): the reader opens them with their own access. */
export function alertLinks(publicUrl: string | undefined, report: string, kind: AlertKind): AlertLinks {
  if (!publicUrl) return { report: null, change: null, dashboard: null };
  const encoded = report.split('/').map(encodeURIComponent).join('/');
  return {
    report: `${publicUrl}/api/reports/${encoded}`,
    change: kind === 'notice-changed' ? `${publicUrl}/api/dashboard/#change=${encodeURIComponent(report)}` : null,
    dashboard: `${publicUrl}/api/dashboard/`,
  };
}

function subjectOf(document: ReportDocument): AlertSubject {
  return document.kind === 'notice-check'
    ? { type: 'notice', id: document.id, url: document.url }
    : { type: 'endpoint', id: document.id, host: document.host, port: document.port, address: document.address };
}

function noticeChangedSummary(result: ChangedResult): AlertSummary {
  const sections = result.sections.map((section) => ({ heading: clip(section.heading, 200), change: section.change }));
  const keys = result.metadataChanges.map((change) => change.key);
  const words = firstWords(result);
  const where = sections.length ? ` in ${sections.length} section(s): ${sections[0].heading}` : '';
  const text = result.recurrence
    ? `Back to a version first seen ${result.recurrence.firstSeen}${where}.`
    : result.substantive === false
      ? `Metadata changed: ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}.`
      : `New wording${where}${sections.length > 1 ? ', …' : ''}.`;
  return {
    text: clip(text, 400),
    sections: sections.slice(0, MAX_SECTIONS),
    sectionsTotal: sections.length,
    metadataKeys: keys.slice(0, MAX_METADATA_KEYS),
    words,
    linesAdded: result.linesAdded ?? 0,
    linesRemoved: result.linesRemoved ?? 0,
    ...(result.severity ? { severity: result.severity } : {}),
    ...(result.claimChanges
      ? {
          claimChanges: result.claimChanges.slice(0, MAX_CLAIM_CHANGES).map((change) => ({
            claim: change.claim,
            change: change.change,
            before: change.before === null ? null : clip(change.before, 200),
            after: change.after === null ? null : clip(change.after, 200),
          })),
        }
      : {}),
  };
}

function endpointSummary(result: EndpointCheckResult, facts: AlertFacts): AlertSummary {
  const findings = result.findings
    .filter((finding) => finding.severity !== 'info')
    .slice(0, MAX_FINDINGS)
    .map((finding) => ({ id: finding.id, severity: finding.severity, message: clip(finding.message, 300) }));
  const blocking = findings.filter((finding) => finding.severity !== 'warning');
  const reasons = facts.reasons ?? [];
  const text = !result.compliant
    ? `Not compliant: ${blocking.map((finding) => finding.id).join(', ') || 'see the findings'}.`
    : reasons.includes('certificate-expiring')
      ? `Compliant, but the certificate expires in ${result.certificate?.daysRemaining ?? '?'} day(s).`
      : 'Compliant again.';
  return {
    text,
    compliant: result.compliant,
    reasons,
    findings,
    certificate: result.certificate
      ? { validTo: result.certificate.validTo, daysRemaining: result.certificate.daysRemaining }
      : null,
  };
}

function checkSummary(document: ReportDocument, kind: 'check-failing' | 'check-recovered', facts: AlertFacts) {
  const failures = facts.consecutiveFailures ?? 0;
  const error =
    document.kind === 'notice-check'
      ? document.error
      : (document.problem ??
        document.findings.find((finding) => finding.severity !== 'info' && finding.severity !== 'warning'));
  const problem = error
    ? { code: 'code' in error ? error.code : error.id, message: clip(error.message, 500) }
    : undefined;
  if (kind === 'check-failing')
    return {
      text: clip(
        `Failed in ${failures} consecutive runs${problem ? `: [${problem.code}] ${problem.message}` : ''}`,
        400,
      ),
      consecutiveFailures: failures,
      ...(problem ? { error: problem } : {}),
    };
  return { text: `Works again after ${failures} failing run(s).`, consecutiveFailures: failures };
}

function titleOf(kind: AlertKind, subject: AlertSubject, summary: AlertSummary): string {
  const what = `${subject.type === 'notice' ? 'Notice' : 'Endpoint'} ${subject.id}`;
  switch (kind) {
    case 'notice-changed':
      return `${what} changed`;
    case 'notice-held':
      return `${what}: a suspect body is held, not recorded as a change`;
    case 'endpoint-noncompliant':
      return summary.compliant ? `${what}: certificate expiring soon` : `${what} is not compliant`;
    case 'endpoint-recovered':
      return summary.reasons?.includes('compliance-restored')
        ? `${what} is compliant again`
        : `${what}: certificate renewed`;
    case 'check-failing':
      return `${what}: check failing for ${summary.consecutiveFailures ?? '?'} runs`;
    case 'check-recovered':
      return `${what}: check works again`;
  }
}

/** Builds the payload of one alert from its report (as stored, or the run's own result) and its facts. */
export function buildPayload(
  kind: AlertKind,
  document: ReportDocument,
  report: string,
  facts: AlertFacts,
  publicUrl: string | undefined,
): AlertPayload {
  const subject = subjectOf(document);
  let summary: AlertSummary;
  if (kind === 'notice-changed' && document.kind === 'notice-check' && document.status === 'changed')
    summary = noticeChangedSummary(document);
  else if (kind === 'notice-held' && document.kind === 'notice-check')
    summary = {
      text: clip(document.error?.message ?? 'The body fetched does not look like the notice.', 500),
      ...(document.error ? { error: { code: document.error.code, message: clip(document.error.message, 500) } } : {}),
    };
  else if ((kind === 'endpoint-noncompliant' || kind === 'endpoint-recovered') && document.kind === 'endpoint-check')
    summary = endpointSummary(document, facts);
  else if (kind === 'check-failing' || kind === 'check-recovered') summary = checkSummary(document, kind, facts);
  else summary = { text: kind };
  return {
    schemaVersion: PAYLOAD_SCHEMA_VERSION,
    id: idempotencyKey(report, kind),
    kind,
    occurredAt: document.checkedAt,
    runId: document.runId,
    subject,
    report,
    title: titleOf(kind, subject, summary),
    summary,
    links: alertLinks(publicUrl, report, kind),
  };
}

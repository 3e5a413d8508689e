import { fail, ok, type Problem, type Result } from '../common/result';
import { DEFAULT_FAILING_RUNS_TO_ALERT } from '../config/settings';
import type { ChannelConfig, EndpointConfig, NoticeConfig } from '../config/types';
import { indexChanges } from '../feeds/change-index';
import { type NoticeCheckResult, readReport } from '../reports';
import { readPointer } from '../runs/notice-pointer';
import { alertTrackingName, CONTAINERS, type ObjectStore, outboxName, readJson, swapJson } from '../storage';
import type { EndpointCheckResult } from '../tls';
import { channelRedactor, channelsFor } from './channels';
import { DEFAULT_DELIVERY, deliverPending, type DeliveryOutcome, type DeliveryTuning } from './deliver';
import { addPending, createRecord, newDelivery, OUTBOX_SCHEMA_VERSION } from './outbox';
import { buildPayload, type ReportDocument } from './payload';
import {
  type AlertDescriptor,
  type EndpointObservation,
  type NoticeObservation,
  observeEndpoint,
  observeNotice,
  type Step,
  TRACKING_SCHEMA_VERSION,
  type TrackingDocument,
} from './tracking';

/** How a run alerts: the watchlist's channels and where their URLs and secrets are read. */
export interface NotifyOptions {
  readonly channels: readonly ChannelConfig[];
  /** App settings holding channel URLs and secrets; process.env by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** Base URL for links in alerts; without it alerts carry no links. */
  readonly publicUrl?: string;
  readonly failingRunsToAlert?: number;
  readonly delivery?: Partial<DeliveryTuning>;
}

/** What the run summary says about alerts. */
export interface NotificationSummary {
  /** Outbox records this run created. */
  readonly recorded: number;
  readonly sent: number;
  readonly pending: number;
  readonly failed: number;
  /** Every record the run looked at: its channel, kind, state, attempts and last status. */
  readonly deliveries: DeliveryOutcome[];
}

export interface AlertsOutcome {
  readonly notifications?: NotificationSummary;
  readonly problems: Problem[];
}

export interface AlertWindow {
  readonly runId: string;
  readonly now: () => Date;
  /** Epoch ms by which delivery stops starting attempts. */
  readonly deadline?: number;
}

export type EndpointRunOutcome = EndpointCheckResult & { readonly report: string | null; readonly runId: string };

const CERT_EXPIRING = 'CERT_EXPIRING_SOON';

function isIncompleteCheck(result: EndpointCheckResult): boolean {
  return result.problem !== undefined || Object.values(result.protocols).includes('error');
}

/** What recording a run's alerts works with. */
interface RecordContext {
  readonly store: ObjectStore;
  /** This run's reports by name; others are read from storage. */
  readonly documents: ReadonlyMap<string, ReportDocument>;
  readonly runId: string;
  readonly options: NotifyOptions;
  readonly now: string;
}

/** Builds and creates the outbox records of some alerts, and names them in the pending index. */
async function writeAlerts(
  { store, documents, runId, options, now }: RecordContext,
  alerts: readonly AlertDescriptor[],
): Promise<{ written: Set<AlertDescriptor>; created: number; problems: Problem[] }> {
  const written = new Set<AlertDescriptor>();
  const problems: Problem[] = [];
  const names: string[] = [];
  let created = 0;
  for (const alert of alerts) {
    let document = documents.get(alert.report);
    if (!document) {
      const read = await readReport<ReportDocument>(store, alert.report);
      if (!read.ok) {
        problems.push(read.problem);
        continue;
      }
      if (!read.value) {
        // The report is the evidence an alert points to; without it there is nothing to send.
        problems.push({
          code: 'ALERT_REPORT_NOT_FOUND',
          message: `Report ${alert.report} of a ${alert.kind} alert is missing.`,
        });
        written.add(alert);
        continue;
      }
      document = read.value;
    }
    const payload = buildPayload(alert.kind, document, alert.report, alert.facts, options.publicUrl);
    let complete = true;
    for (const channel of alert.channels) {
      const name = outboxName(alert.report, alert.kind, channel);
      const outcome = await createRecord(store, {
        schemaVersion: OUTBOX_SCHEMA_VERSION,
        name,
        key: payload.id,
        channel,
        kind: alert.kind,
        report: alert.report,
        createdAt: now,
        createdByRun: runId,
        payload,
        delivery: newDelivery(),
      });
      if (!outcome.ok) {
        problems.push(outcome.problem);
        complete = false;
        continue;
      }
      if (outcome.value === 'created') created += 1;
      names.push(name);
    }
    if (complete) written.add(alert);
  }
  if (names.length) {
    const indexed = await addPending(store, names, now);
    if (!indexed.ok) {
      problems.push(indexed.problem);
      written.clear();
    }
  }
  return { written, created, problems };
}

function sameAlert(a: AlertDescriptor, b: AlertDescriptor): boolean {
  return a.kind === b.kind && a.report === b.report && a.subject.id === b.subject.id;
}

/**
 * Folds a run's observations into the tracking document and writes the alerts they raise. The
 * decision and the alerts to write are saved together (compare-and-swap) before any record is
 * written, and cleared after: a run that dies in between leaves them for the next run to write,
 * so an alert is never lost, and never decided twice.
 */
async function recordAlerts<O extends { key: string }>(
  context: RecordContext,
  target: 'notices' | 'endpoints',
  observations: ReadonlyArray<{ observation: O; channels: readonly string[]; subject: AlertDescriptor['subject'] }>,
  observe: (previous: TrackingDocument['items'][string] | undefined, observation: O) => Step | null,
): Promise<{ created: number; problems: Problem[] }> {
  const { store, now } = context;
  const name = alertTrackingName(target);
  const problems: Problem[] = [];
  const before = await readJson<TrackingDocument>(store, CONTAINERS.state, name);
  if (!before.ok) return { created: 0, problems: [before.problem] };
  const leftOver = await writeAlerts(context, before.value?.value.unwritten ?? []);
  problems.push(...leftOver.problems);
  let created = leftOver.created;

  let decided: AlertDescriptor[] = [];
  const swapped = await swapJson<TrackingDocument>(store, CONTAINERS.state, name, (current) => {
    decided = [];
    const items = { ...(current?.items ?? {}) };
    const unwritten = (current?.unwritten ?? []).filter(
      (alert) => ![...leftOver.written].some((done) => sameAlert(done, alert)),
    );
    let moved = unwritten.length !== (current?.unwritten.length ?? 0);
    for (const { observation, channels, subject } of observations) {
      const step = observe(items[observation.key], observation);
      if (!step) continue;
      moved = true;
      items[observation.key] = step.next;
      if (channels.length)
        for (const alert of step.alerts) decided.push({ ...alert, subject, channels: [...channels] });
    }
    if (!moved) return null;
    return { schemaVersion: TRACKING_SCHEMA_VERSION, updatedAt: now, items, unwritten: [...unwritten, ...decided] };
  });
  if (!swapped.ok) return { created, problems: [...problems, swapped.problem] };

  if (decided.length) {
    const fresh = await writeAlerts(context, decided);
    problems.push(...fresh.problems);
    created += fresh.created;
    if (fresh.written.size) {
      const cleared = await swapJson<TrackingDocument>(store, CONTAINERS.state, name, (current) =>
        current
          ? {
              ...current,
              unwritten: current.unwritten.filter(
                (alert) => ![...fresh.written].some((done) => sameAlert(done, alert)),
              ),
            }
          : null,
      );
      // Not fatal: the next run finds the records already there and clears them then.
      if (!cleared.ok) problems.push(cleared.problem);
    }
  }
  return { created, problems };
}

async function deliver(
  store: ObjectStore,
  options: NotifyOptions,
  window: AlertWindow,
  created: number,
  problems: Problem[],
): Promise<AlertsOutcome> {
  const env = options.env ?? process.env;
  const redact = channelRedactor(options.channels, env);
  const delivered = await deliverPending({
    store,
    channels: options.channels,
    env,
    owner: window.runId,
    now: window.now,
    deadline: window.deadline,
    tuning: { ...DEFAULT_DELIVERY, ...options.delivery },
    redact,
  });
  const deliveries = delivered.deliveries;
  const count = (state: string) => deliveries.filter((item) => item.state === state).length;
  const all = [...problems, ...delivered.problems].map((problem) => ({
    code: problem.code,
    message: redact(problem.message),
  }));
  return {
    notifications: {
      recorded: created,
      sent: count('sent'),
      pending: count('pending') + count('sending'),
      failed: count('failed'),
      deliveries,
    },
    problems: all.length ? [{ code: 'ALERTS_INCOMPLETE', message: describe(all) }] : [],
  };
}

function describe(problems: readonly Problem[]): string {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `Alerts could not all be recorded or delivered: [${first.code}] ${first.message}${more}. Pending alerts are retried by the next run.`;
}

function guarded(work: () => Promise<AlertsOutcome>, redact: (text: string) => string): Promise<AlertsOutcome> {
  // A defect in alerting must not cost the run its summary.
  return work().catch((error: unknown) => ({
    problems: [
      {
        code: 'ALERTS_INCOMPLETE',
        message: redact(`Alerting failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`),
      },
    ],
  }));
}

/**
 * The one alerting step of a drift run, after its checks: index the changes for the feeds, fold
 * the results into the alert tracking, write the alerts' outbox records, deliver what is pending.
 */
export function alertsAfterDrift(
  store: ObjectStore,
  results: readonly NoticeCheckResult[],
  notices: readonly NoticeConfig[],
  options: NotifyOptions | undefined,
  window: AlertWindow,
): Promise<AlertsOutcome> {
  const redact = channelRedactor(options?.channels ?? [], options?.env ?? process.env);
  return guarded(async () => {
    const reported = results.filter((result) => result.report !== null);
    if (!reported.length) return { problems: [] };
    const now = window.now().toISOString();
    const problems: Problem[] = [];
    const indexed = await indexChanges(store, reported, now);
    if (!indexed.ok) problems.push(indexed.problem);
    if (!options?.channels.length)
      return { problems: problems.length ? [{ code: 'ALERTS_INCOMPLETE', message: redact(describe(problems)) }] : [] };

    const byId = new Map(notices.map((notice) => [notice.id, notice]));
    const documents = new Map<string, ReportDocument>();
    const observations = [];
    for (const result of reported) {
      documents.set(result.report!, { ...result, kind: 'notice-check' });
      let suspectHash: string | null = null;
      if (result.error?.code === 'SUSPECT_BODY') {
        const pointer = await readPointer(store, result.id);
        if (!pointer.ok) problems.push(pointer.problem);
        else suspectHash = pointer.value.pointer?.suspect?.hash ?? null;
      }
      const observation: NoticeObservation = {
        key: result.id,
        runId: result.runId,
        checkedAt: result.checkedAt,
        report: result.report!,
        status: result.status,
        alert: result.status === 'changed' ? result.alert : undefined,
        lastChange: result.status === 'unchanged' ? result.lastChange : undefined,
        suspectHash,
      };
      observations.push({
        observation,
        channels: channelsFor(byId.get(result.id)?.notify, options.channels),
        subject: { type: 'notice' as const, id: result.id },
      });
    }
    const failing = options.failingRunsToAlert ?? DEFAULT_FAILING_RUNS_TO_ALERT;
    const recorded = await recordAlerts(
      { store, documents, runId: window.runId, options, now },
      'notices',
      observations,
      (previous, observation: NoticeObservation) => observeNotice(previous, observation, failing),
    );
    return deliver(store, options, window, recorded.created, [...problems, ...recorded.problems]);
  }, redact);
}

/** The one alerting step of a TLS run: compliance, certificate expiry and failing checks. */
export function alertsAfterTls(
  store: ObjectStore,
  outcomes: readonly EndpointRunOutcome[],
  endpoints: readonly EndpointConfig[],
  options: NotifyOptions | undefined,
  window: AlertWindow,
): Promise<AlertsOutcome> {
  const redact = channelRedactor(options?.channels ?? [], options?.env ?? process.env);
  return guarded(async () => {
    if (!options?.channels.length) return { problems: [] };
    const byId = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
    const documents = new Map<string, ReportDocument>();
    const observations = [];
    for (const outcome of outcomes) {
      if (!outcome.report) continue;
      const endpoint = byId.get(outcome.id);
      documents.set(outcome.report, { ...outcome, kind: 'endpoint-check' });
      const observation: EndpointObservation = {
        key: endpoint?.allAddresses && outcome.address ? `${outcome.id}@${outcome.address}` : outcome.id,
        runId: outcome.runId,
        checkedAt: outcome.checkedAt,
        report: outcome.report,
        incomplete: isIncompleteCheck(outcome),
        compliant: outcome.compliant,
        certExpiring: outcome.findings.some((finding) => finding.id === CERT_EXPIRING),
      };
      observations.push({
        observation,
        channels: channelsFor(endpoint?.notify, options.channels),
        subject: { type: 'endpoint' as const, id: outcome.id },
      });
    }
    const failing = options.failingRunsToAlert ?? DEFAULT_FAILING_RUNS_TO_ALERT;
    const now = window.now().toISOString();
    const recorded = observations.length
      ? await recordAlerts(
          { store, documents, runId: window.runId, options, now },
          'endpoints',
          observations,
          (previous, observation: EndpointObservation) => observeEndpoint(previous, observation, failing),
        )
      : { created: 0, problems: [] };
    return deliver(store, options, window, recorded.created, recorded.problems);
  }, redact);
}

/** Checks a channel's configuration and returns it, for `notify test`. */
export function findChannel(channels: readonly ChannelConfig[], id: string): Result<ChannelConfig> {
  const channel = channels.find((item) => item.id === id);
  return channel
    ? ok(channel)
    : fail(
        'CHANNEL_NOT_FOUND',
        `No channel "${id.slice(0, 80)}" on the watchlist${channels.length ? ` (channels: ${channels.map((item) => item.id).join(', ')})` : ''}.`,
      );
}

/** The alert options of a run, from the watchlist's channels and the app settings. */
export function notifyOptions(
  channels: readonly ChannelConfig[],
  settings: { readonly publicUrl?: string; readonly failingRunsToAlert?: number },
  env: NodeJS.ProcessEnv = process.env,
): NotifyOptions {
  return { channels, env, publicUrl: settings.publicUrl, failingRunsToAlert: settings.failingRunsToAlert };
}

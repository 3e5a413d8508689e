import type { AlertPayload } from './payload';

/**
 * The body a Teams Workflows webhook ("Post to a channel when a webhook request is received")
 * expects: a message with one Adaptive Card 1.5 attachment.
 */
export interface TeamsMessage {
  readonly type: 'message';
  readonly attachments: ReadonlyArray<{
    readonly contentType: 'application/vnd.microsoft.card.adaptive';
    readonly contentUrl: null;
    readonly content: Record<string, unknown>;
  }>;
}

const MAX_FACT_VALUE = 300;

/**
 * Card text is rendered as a markdown subset; a notice heading such as `[win](https://…)` must
 * show as written, not become a link, so markdown punctuation is escaped.
 */
function plain(text: string, max = 1000): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return cut.replace(/([\\`*_[\]()#>~|!<-])/g, '\\$1');
}

function facts(payload: AlertPayload): Array<{ title: string; value: string }> {
  const { summary, subject } = payload;
  const list: Array<{ title: string; value: string }> = [
    { title: subject.type === 'notice' ? 'Notice' : 'Endpoint', value: plain(subject.id) },
  ];
  if (subject.type === 'endpoint') list.push({ title: 'Host', value: plain(`${subject.host}:${subject.port}`) });
  if (summary.sections?.length)
    list.push({
      title: 'Sections',
      value: plain(
        summary.sections
          .slice(0, 3)
          .map((section) => `${section.heading} (${section.change})`)
          .join('; ') + ((summary.sectionsTotal ?? 0) > 3 ? `; +${(summary.sectionsTotal ?? 0) - 3} more` : ''),
        MAX_FACT_VALUE,
      ),
    });
  if (summary.metadataKeys?.length)
    list.push({ title: 'Metadata', value: plain(summary.metadataKeys.join(', '), MAX_FACT_VALUE) });
  if (summary.words) {
    if (summary.words.removed) list.push({ title: 'Removed', value: plain(summary.words.removed, MAX_FACT_VALUE) });
    if (summary.words.added) list.push({ title: 'Added', value: plain(summary.words.added, MAX_FACT_VALUE) });
  }
  if (summary.findings?.length)
    list.push({
      title: 'Findings',
      value: plain(summary.findings.map((finding) => `${finding.id} (${finding.severity})`).join(', '), MAX_FACT_VALUE),
    });
  if (summary.certificate)
    list.push({
      title: 'Certificate',
      value: plain(`expires ${summary.certificate.validTo} (${summary.certificate.daysRemaining} days)`),
    });
  if (summary.error) list.push({ title: 'Error', value: plain(summary.error.code) });
  if (summary.consecutiveFailures !== undefined)
    list.push({ title: 'Failing runs', value: String(summary.consecutiveFailures) });
  list.push({ title: 'Checked', value: plain(payload.occurredAt) });
  return list;
}

export function teamsMessage(payload: AlertPayload): TeamsMessage {
  const actions: Array<Record<string, unknown>> = [];
  const open = payload.links.change ?? payload.links.report;
  if (open)
    actions.push({
      type: 'Action.OpenUrl',
      title: payload.links.change ? 'Open the change' : 'Open the report',
      url: open,
    });
  if (payload.links.dashboard)
    actions.push({ type: 'Action.OpenUrl', title: 'Open the dashboard', url: payload.links.dashboard });
  const attention = ['endpoint-noncompliant', 'check-failing', 'notice-held'].includes(payload.kind);
  const content: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.5',
    msteams: { width: 'Full' },
    body: [
      {
        type: 'TextBlock',
        text: plain(payload.title, 200),
        style: 'heading',
        weight: 'Bolder',
        size: 'Medium',
        wrap: true,
        color: attention ? 'Attention' : 'Default',
      },
      { type: 'TextBlock', text: plain(payload.summary.text), wrap: true },
      { type: 'FactSet', facts: facts(payload) },
      ...(payload.test
        ? [{ type: 'TextBlock', text: 'This is a test from noticewatch.', isSubtle: true, wrap: true }]
        : []),
    ],
    ...(actions.length ? { actions } : {}),
  };
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }],
  };
}

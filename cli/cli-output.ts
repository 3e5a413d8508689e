import { redactSecrets } from '../shared/common/redact';
import type { NotificationSummary } from '../shared/notify';
import type { ChangedResult, NoticeCheckResult } from '../shared/reports';

/**
 * Progress and diagnostics go to stderr so stdout stays clean for the summary or the JSON document.
 * Lines carry messages from storage and publishers, so they are redacted on the way out.
 */
export function progress(line: string): void {
  process.stderr.write(`${redactSecrets(line)}\n`);
}

export function describeNotice(result: NoticeCheckResult): string {
  switch (result.status) {
    case 'changed': {
      const kind = result.substantive ? 'text changed' : 'metadata only';
      const recurrence = result.recurrence ? `, back to a version first seen ${result.recurrence.firstSeen}` : '';
      const severity = result.severity ? `, severity ${result.severity}` : '';
      return `CHANGED   ${result.id}: ${kind}, +${result.linesAdded ?? 0}/-${result.linesRemoved ?? 0} lines in ${result.sections.length} section(s)${severity}${recurrence}`;
    }
    case 'baseline':
      return `BASELINE  ${result.id}: first snapshot stored (${result.currentSnapshot})`;
    case 'unchanged':
      return `UNCHANGED ${result.id}${result.notModified ? ' (304 Not Modified)' : ''}`;
    case 'error':
      if (result.heldForReview && result.error?.code === 'SUSPECT_BODY') {
        const held = result.heldForReview;
        return `HELD      ${result.id}: held for review [${held.signal}] ${held.reason} (seen ${held.seen} of ${held.needed} runs; accepted as a change at ${held.needed})`;
      }
      return `ERROR     ${result.id}: [${result.error?.code}] ${result.error?.message}${result.heldForReview ? ` (a body is still held for review: ${result.heldForReview.signal})` : ''}`;
  }
}

/** The first lines of a held body, indented, so a person can tell a broken page from an odd but real rewrite. */
export function describeHeldBody(result: NoticeCheckResult): string[] {
  if (result.status !== 'error' || !result.heldForReview) return [];
  return [`    first lines of the held body:`, ...result.heldForReview.firstLines.map((line) => `    | ${line}`)];
}

/** The metadata keys and sections a change touched, one line each, as `noticewatch diff` and the run summaries print them. */
export function describeChangedParts(
  change: Pick<ChangedResult, 'metadataChanges' | 'sections'>,
  indent = '',
): string[] {
  return [
    ...change.metadataChanges.map(
      (item) => `${indent}metadata ${item.key}: ${JSON.stringify(item.before)} -> ${JSON.stringify(item.after)}`,
    ),
    ...change.sections.map(
      (section) =>
        `${indent}${section.change.padEnd(8)} ${section.heading} (+${section.linesAdded}/-${section.linesRemoved})`,
    ),
  ];
}

export function describeChangeDetails(result: ChangedResult): string[] {
  const claims = (result.claimChanges ?? []).map(
    (change) =>
      `    claim    ${change.claim} ${change.change}: ${change.before ?? '-'} -> ${change.after ?? '-'} (${change.evidence.heading})`,
  );
  return [
    ...describeChangedParts(result, '    '),
    ...claims,
    ...(result.report ? [`    report: ${result.report}`] : []),
  ];
}

/** The alerts a run delivered: one line of counts, one per delivery that is not sent yet. */
export function describeNotifications(notifications: NotificationSummary | undefined): string[] {
  if (!notifications) return [];
  const { recorded, sent, pending, failed, deliveries } = notifications;
  return [
    `alerts: ${recorded} recorded, ${sent} sent, ${pending} pending, ${failed} failed`,
    ...deliveries
      .filter((delivery) => delivery.state !== 'sent')
      .map(
        (delivery) =>
          `    ${delivery.state.toUpperCase().padEnd(8)} ${delivery.kind} ${delivery.subject} -> ${delivery.channel}: ${delivery.attempts} attempt(s), last status ${delivery.lastStatus ?? 'none'}${delivery.lastError ? ` [${delivery.lastError.code}] ${delivery.lastError.message}` : ''}`,
      ),
  ];
}

import { userInfo } from 'node:os';

import { fail, ok, type Result } from '../shared/common/result';
import { readSettings } from '../shared/config';
import {
  type HistoryEntry,
  type HistoryPage,
  MAX_HISTORY_LIMIT,
  readHistory,
  readReviews,
  type RecordedReview,
  recordReview,
  type ReviewTrail,
} from '../shared/history';
import type { ObjectStore } from '../shared/storage';
import { type CliOptions, cliStore, reportProblem, UsageError } from './cli-context';

export interface HistoryOptions extends CliOptions {
  readonly limit?: string;
  readonly before?: string;
  readonly status?: string;
  readonly note?: string;
  readonly reviewer?: string;
}

const KIND_LABEL: Record<HistoryEntry['kind'], string> = {
  'new-wording': 'new wording',
  'metadata-only': 'metadata only',
  'known-version': 'known version',
};

/** `2026-11-29 06:00 UTC`, as the dashboard writes times. */
function shortTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Opens the store, runs one read or write against it and prints the result as text or one JSON document. */
async function withStore<T>(
  options: HistoryOptions,
  action: (store: ObjectStore) => Promise<Result<T>>,
  describe: (value: T) => string[],
): Promise<number> {
  const json = options.json === true;
  const opened = await cliStore(options, readSettings());
  if (!opened.ok) return reportProblem(opened.problem, json);
  try {
    const result = await action(opened.value.store);
    if (!result.ok) return reportProblem(result.problem, json);
    process.stdout.write(
      json ? `${JSON.stringify(result.value, null, 2)}\n` : `${describe(result.value).join('\n')}\n`,
    );
    return 0;
  } finally {
    await opened.value.close();
  }
}

function reviewState(entry: HistoryEntry): string {
  const latest = entry.review.latest;
  if (!latest) return 'not reviewed';
  const more = entry.review.count > 1 ? ` (${entry.review.count} reviews)` : '';
  return `${latest.status} by ${latest.reviewer}, ${shortTime(latest.reviewedAt)}${more}`;
}

export function describeHistory(page: HistoryPage, options: HistoryOptions): string[] {
  const lines = [
    `${page.notice}: ${page.changes} change(s), ${page.pendingReview} pending review` +
      (page.reviewedThrough ? ` (reviewed through change #${page.reviewedThrough.change})` : ''),
  ];
  if (page.entries.length === 0) lines.push('  no changes recorded');
  for (const entry of page.entries) {
    const sections = `${entry.sectionCount} section(s)`;
    lines.push(
      `#${String(entry.change).padEnd(4)} ${shortTime(entry.checkedAt)}  ${KIND_LABEL[entry.kind].padEnd(13)}  ` +
        `+${entry.linesAdded}/-${entry.linesRemoved} lines, ${sections}  ${reviewState(entry)}`,
      `      ${entry.report}`,
    );
  }
  if (page.next) {
    const limit = options.limit ? ` --limit ${options.limit}` : '';
    lines.push(`older: noticewatch history ${page.notice}${limit} --before ${page.next}`);
  }
  return lines;
}

function describeReview(recorded: RecordedReview): string[] {
  const { review } = recorded;
  return [
    `Recorded: ${review.status} by ${review.reviewer} for change #${review.change} of ${review.noticeId}`,
    `  review: ${review.name}`,
    `  ${recorded.summary.count} review(s) of this change; ${recorded.pendingReview} change(s) of ${review.noticeId} pending review`,
    ...recorded.problems.map((problem) => `  not yet updated: [${problem.code}] ${problem.message}`),
  ];
}

function describeTrail(trail: ReviewTrail): string[] {
  const lines = [`${trail.report}: ${trail.count} review(s)${trail.truncated ? ', newest shown' : ''}`];
  for (const review of trail.reviews) {
    lines.push(`${shortTime(review.reviewedAt)}  ${review.status.padEnd(12)}  ${review.reviewer} (${review.identity})`);
    if (review.note) lines.push(...review.note.split('\n').map((line) => `    ${line}`));
  }
  return lines;
}

function parseLimit(value: string | undefined): Result<number | undefined> {
  if (value === undefined) return ok(undefined);
  const limit = Number(value);
  return Number.isInteger(limit) && limit >= 1 && limit <= MAX_HISTORY_LIMIT
    ? ok(limit)
    : fail('USAGE', `--limit must be a whole number from 1 to ${MAX_HISTORY_LIMIT}, got "${value}"`);
}

/** `noticewatch history NOTICE [--limit N] [--before REPORT] [--json]` */
export async function runHistoryCommand(noticeId: string, options: HistoryOptions): Promise<number> {
  const limit = parseLimit(options.limit);
  if (!limit.ok) throw new UsageError(limit.problem.message);
  return withStore(
    options,
    async (store) => {
      const page = await readHistory(store, noticeId, {
        ...(limit.value ? { limit: limit.value } : {}),
        ...(options.before ? { before: options.before } : {}),
      });
      if (!page.ok) return page;
      return page.value
        ? ok(page.value)
        : fail<HistoryPage>('NOTICE_NOT_FOUND', `No notice ${noticeId} has been checked in this store.`);
    },
    (page) => describeHistory(page, options),
  );
}

/** Who the CLI says reviewed: --reviewer, else NOTICEWATCH_REVIEWER, else the operating-system user. */
function cliReviewer(options: HistoryOptions): string | undefined {
  if (options.reviewer !== undefined) return options.reviewer;
  if (process.env.NOTICEWATCH_REVIEWER) return process.env.NOTICEWATCH_REVIEWER;
  try {
    return userInfo().username;
  } catch {
    // No user database entry (some containers): the review then needs --reviewer.
    return undefined;
  }
}

/** `noticewatch review REPORT --status S [--note TEXT] [--reviewer NAME] [--json]` */
export async function runReviewCommand(report: string, options: HistoryOptions): Promise<number> {
  if (options.status === undefined)
    throw new UsageError('review needs --status acknowledged, --status not-material or --status needs-action');
  return withStore(
    options,
    (store) =>
      recordReview(store, {
        report,
        status: options.status,
        note: options.note,
        reviewer: cliReviewer(options),
        via: 'cli',
      }),
    describeReview,
  );
}

/** `noticewatch reviews REPORT [--json]`: the whole trail of one change. */
export async function runReviewsCommand(report: string, options: HistoryOptions): Promise<number> {
  return withStore(options, (store) => readReviews(store, report), describeTrail);
}

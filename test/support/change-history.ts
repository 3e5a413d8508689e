import type { NoticeConfig } from '../../shared/config';
import type { ChangedResult, NoticeCheckResult } from '../../shared/reports';
import { newRunId, runDrift } from '../../shared/runs';
import type { ObjectStore } from '../../shared/storage';
import type { NoticeServer } from './notice-server';
import { noticeV1, noticeV2, noticeV3 } from './sample-notices';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Word-level edits inside one sentence of v3, so the report carries real word highlights. */
export function noticeV4(): string {
  return noticeV3().replace(
    'We use data to compute engagement scores for your sellers.',
    'We use data to compute engagement and churn scores for your sellers and partners.',
  );
}

/**
 * The versions a notice goes through: a baseline, then three changes of the three kinds a reviewer
 * meets: new wording (v2), metadata only (v3), and new wording again (v4).
 */
export function threeChanges(): string[] {
  return [noticeV1(), noticeV2(), noticeV3(), noticeV4()];
}

export interface SeededRun {
  readonly startedAt: Date;
  readonly results: NoticeCheckResult[];
}

/**
 * Runs the real drift pipeline once per step, one day apart from `firstDay`, serving each notice's
 * text of that step from the local notice server (a notice with fewer steps keeps its last text).
 * So history, reports and latest.json are exactly what real runs leave behind.
 */
export async function runSteps(
  store: ObjectStore,
  server: NoticeServer,
  steps: Record<string, string[]>,
  firstDay: Date,
): Promise<SeededRun[]> {
  const notices: NoticeConfig[] = Object.keys(steps).map((id) => ({
    id,
    url: `${server.origin}/history/${id}.md`,
    format: 'markdown',
  }));
  const count = Math.max(...Object.values(steps).map((texts) => texts.length));
  const runs: SeededRun[] = [];
  for (let step = 0; step < count; step += 1) {
    for (const [id, texts] of Object.entries(steps))
      server.setText(`/history/${id}.md`, texts[Math.min(step, texts.length - 1)]);
    const startedAt = new Date(firstDay.getTime() + step * DAY_MS);
    const summary = await runDrift(store, notices, {
      runId: newRunId(startedAt, `h${String(step).padStart(2, '0')}`),
      startedAt,
      now: () => new Date(startedAt.getTime() + 1000),
      fetchOptions: { timeoutMs: 2_000, retries: 0, retryBackoffMs: 10 },
    });
    runs.push({ startedAt, results: summary.notices });
  }
  return runs;
}

/** The change results of a seeded notice, oldest first. */
export function changesOf(runs: readonly SeededRun[], noticeId: string): ChangedResult[] {
  return runs
    .flatMap((run) => run.results)
    .filter((result): result is ChangedResult => result.id === noticeId && result.status === 'changed');
}

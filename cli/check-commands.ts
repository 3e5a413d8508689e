import { fail, ok, type Result } from '../shared/common/result';
import { type EndpointConfig, type NoticewatchSettings, type Watchlist } from '../shared/config';
import { notifyOptions } from '../shared/notify';
import {
  driftExitCode,
  type DriftOutcome,
  driftRunOptions,
  runDriftRequest,
  runTls,
  tlsExitCode,
  tlsRunOptions,
  type TlsRunSummary,
} from '../shared/runs';
import type { ObjectStore } from '../shared/storage';
import { adHocEndpoint, parseHostPort, uniqueTargets } from '../shared/tls';
import type { RunLimits } from './cli-context';
import { describeChangeDetails, describeHeldBody, describeNotice, describeNotifications, progress } from './cli-output';
import { describeEndpoint, describeEndpointDetails } from './tls-output';

export interface RunContext {
  readonly store: ObjectStore;
  readonly watchlist: Watchlist;
  readonly settings: NoticewatchSettings;
  readonly limits: RunLimits;
  readonly runId: string;
  readonly startedAt: Date;
}

export async function driftPart(
  context: RunContext,
  noticeIds: readonly string[],
): Promise<Result<{ outcome: DriftOutcome; exitCode: number; lines: string[] }>> {
  const { settings, limits } = context;
  const outcome = await runDriftRequest(context.store, {
    watchlist: context.watchlist,
    noticeIds,
    ...driftRunOptions({
      // The command line's --timeout and --concurrency win over the settings.
      settings: { ...settings, ...limits },
      trigger: 'cli',
      runId: context.runId,
      startedAt: context.startedAt,
      onProgress: (result, done, total) => progress(`[notice ${done}/${total}] ${describeNotice(result)}`),
    }),
    notify: notifyOptions(context.watchlist.channels, settings),
  });
  if (!outcome.ok) return outcome;
  const run = outcome.value;
  for (const problem of run.problems) progress(`run: [${problem.code}] ${problem.message}`);
  const lines: string[] = [];
  for (const result of run.notices)
    lines.push(
      describeNotice(result),
      ...(result.status === 'changed' ? describeChangeDetails(result) : []),
      ...describeHeldBody(result),
    );
  for (const id of run.notReached) lines.push(`NOT REACHED ${id}: the run's deadline passed first`);
  const { changed, unchanged, baseline, error } = run.counts;
  const held = run.notices.filter((result) => result.status === 'error' && result.heldForReview).length;
  lines.push(
    `notices: ${changed} changed, ${unchanged} unchanged, ${baseline} baseline, ${error} error${held ? ` (${held} held for review)` : ''}${run.notReached.length ? `, ${run.notReached.length} not reached` : ''}`,
  );
  lines.push(...describeNotifications(run.notifications));
  return ok({ outcome: run, exitCode: driftExitCode(run), lines });
}

/**
 * `HOST[:PORT]` arguments become ad-hoc endpoints (the same ids as on-demand HTTP checks); a target named
 * twice is checked once. The CLI is a local tool, so any address may be checked.
 */
export function endpointsFromArguments(targets: readonly string[]): Result<EndpointConfig[]> {
  const parsedTargets: Array<{ host: string; port: number }> = [];
  for (const target of targets) {
    const parsed = parseHostPort(target);
    if (!parsed.ok) return fail(parsed.problem.code, `"${target}": ${parsed.problem.message}`);
    parsedTargets.push(parsed.value);
  }
  return ok(uniqueTargets(parsedTargets).map(adHocEndpoint));
}

export async function tlsPart(
  context: RunContext,
  endpoints: readonly EndpointConfig[],
  ca: Buffer | undefined,
): Promise<{ summary: TlsRunSummary; exitCode: number; lines: string[] }> {
  const { settings, limits } = context;
  const summary = await runTls(context.store, endpoints, {
    ...tlsRunOptions(
      {
        settings: { ...settings, ...limits },
        trigger: 'cli',
        runId: context.runId,
        startedAt: context.startedAt,
        onProgress: (result, done, total) =>
          progress(
            `[endpoint ${done}/${total}] ${result.id} ${result.address ?? ''}: ${result.problem ? result.problem.code : result.compliant ? 'compliant' : 'not compliant'}`,
          ),
      },
      // A local tool run by the operator: any address may be checked, and errors say why.
      { allowPrivate: true, opaqueErrors: false },
      { ca },
    ),
    notify: notifyOptions(context.watchlist.channels, settings),
  });
  for (const problem of summary.problems) progress(`run: [${problem.code}] ${problem.message}`);
  const lines: string[] = [];
  for (const result of summary.endpoints) lines.push(describeEndpoint(result), ...describeEndpointDetails(result));
  for (const id of summary.notReached) lines.push(`NOT REACHED ${id}: the run's deadline passed first`);
  const { compliant, nonCompliant, incomplete } = summary.counts;
  lines.push(
    `endpoints: ${compliant} compliant, ${nonCompliant} not compliant, ${incomplete} could not be fully checked${summary.notReached.length ? `, ${summary.notReached.length} not reached` : ''}`,
  );
  lines.push(...describeNotifications(summary.notifications));
  return { summary, exitCode: tlsExitCode(summary), lines };
}

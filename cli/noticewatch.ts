#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { loadWatchlist, readSettings } from '../shared/config';
import { redactSecrets } from '../shared/common/redact';
import { openStore } from '../shared/storage';
import { driftExitCode, newRunId, runDriftRequest } from '../shared/runs';
import { describeChangeDetails, describeNotice, progress } from './cli-output';
import { runDiffCommand } from './diff-command';

const USAGE = `noticewatch: watch published privacy notices for drift

Usage:
  noticewatch run   [--watchlist FILE] [--json] [--storage CONNECTION_STRING]
  noticewatch drift [--watchlist FILE] [--notice ID]... [--json] [--storage CONNECTION_STRING]
  noticewatch diff OLD NEW [--json]

Options:
  --watchlist FILE   watchlist JSON (default: content/watchlist.json of this package, or NOTICEWATCH_WATCHLIST)
  --notice ID        check only this notice (repeatable)
  --storage CS       Azure Storage connection string (default: AZURE_STORAGE_CONNECTION_STRING,
                     then NOTICEWATCH_STORAGE_ACCOUNT_URL, else an embedded Azurite persisting
                     under ./.noticewatch or NOTICEWATCH_DATA_DIR)
  --timeout MS       per-request timeout (default 20000)
  --concurrency N    notices checked at once (default 4)
  --json             print exactly one JSON document on stdout

Exit status: 0 nothing changed, 1 drift found, 2 a check could not complete (or usage/config/storage trouble).`;

const OPTIONS = {
  watchlist: { type: 'string' },
  notice: { type: 'string', multiple: true },
  storage: { type: 'string' },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function positiveIntegerOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new UsageError(`--${name} must be a positive whole number, got "${value}"`);
  return parsed;
}

class UsageError extends Error {}

async function runDriftCommand(values: Record<string, unknown>, noticeIds: string[]): Promise<number> {
  const settings = readSettings();
  const json = values.json === true;
  const timeoutMs = positiveIntegerOption(values.timeout as string | undefined, 'timeout', settings.fetchTimeoutMs);
  const concurrency = positiveIntegerOption(values.concurrency as string | undefined, 'concurrency', settings.concurrency);
  const watchlistPath = (values.watchlist as string | undefined) ?? settings.watchlistPath;

  const watchlist = await loadWatchlist(watchlistPath);
  if (!watchlist.ok) {
    progress(`noticewatch: [${watchlist.problem.code}] ${watchlist.problem.message}`);
    return 2;
  }
  for (const problem of watchlist.value.problems) progress(`watchlist: [${problem.code}] ${problem.message}`);

  const embeddedLocation = process.env.NOTICEWATCH_DATA_DIR || join(process.cwd(), '.noticewatch');
  const connectionString = (values.storage as string | undefined) ?? settings.connectionString;
  if (!connectionString && !settings.accountUrl) progress(`storage: no storage configured, starting an embedded Azurite under ${embeddedLocation}`);
  const opened = await openStore({ connectionString, accountUrl: settings.accountUrl, embeddedLocation });
  if (!opened.ok) {
    progress(`noticewatch: [${opened.problem.code}] ${opened.problem.message}`);
    return 2;
  }
  try {
    const startedAt = new Date();
    const outcome = await runDriftRequest(opened.value.store, {
      watchlist: watchlist.value,
      noticeIds,
      runId: newRunId(startedAt),
      startedAt,
      deadline: startedAt.getTime() + settings.runBudgetMs,
      concurrency,
      fetchOptions: { timeoutMs },
      trigger: 'cli',
      onProgress: (result, done, total) => progress(`[${done}/${total}] ${describeNotice(result)}`),
    });
    if (!outcome.ok) {
      progress(`noticewatch: [${outcome.problem.code}] ${outcome.problem.message}`);
      return 2;
    }
    const run = outcome.value;
    for (const problem of run.problems) progress(`run: [${problem.code}] ${problem.message}`);
    if (json) {
      process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    } else {
      const out: string[] = [`noticewatch run ${run.runId} (${opened.value.store.description})`];
      for (const result of run.notices) out.push(describeNotice(result), ...(result.status === 'changed' ? describeChangeDetails(result) : []));
      for (const id of run.notReached) out.push(`NOT REACHED ${id}: the run's deadline passed first`);
      const { changed, unchanged, baseline, error } = run.counts;
      out.push(`${changed} changed, ${unchanged} unchanged, ${baseline} baseline, ${error} error${run.notReached.length ? `, ${run.notReached.length} not reached` : ''}`);
      process.stdout.write(`${out.join('\n')}\n`);
    }
    return driftExitCode(run);
  } finally {
    await opened.value.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    progress(`noticewatch: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (values.help ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  try {
    switch (command) {
      case 'drift':
      case 'run':
        if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
        return await runDriftCommand(values, command === 'drift' ? values.notice ?? [] : []);
      case 'diff':
        if (rest.length !== 2) throw new UsageError('diff takes exactly two files: noticewatch diff OLD NEW');
        return await runDiffCommand(rest[0], rest[1], values.json === true);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      progress(`noticewatch: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    progress(`noticewatch: unexpected failure: ${redactSecrets(error instanceof Error ? error.message : String(error))}`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      progress(`noticewatch: ${redactSecrets(String(error))}`);
      process.exitCode = 2;
    },
  );
}

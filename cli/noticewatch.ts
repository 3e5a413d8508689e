#!/usr/bin/env node
import { parseArgs } from 'node:util';

import { redactSecrets } from '../shared/common/redact';
import { readSettings } from '../shared/config';
import { newRunId } from '../shared/runs';
import { driftPart, endpointsFromArguments, type RunContext, tlsPart } from './check-commands';
import {
  cliCaBundle,
  type CliOptions,
  cliStore,
  cliWatchlist,
  reportProblem,
  runLimits,
  UsageError,
} from './cli-context';
import { progress } from './cli-output';
import { runDemoCommand } from './demo/demo-command';
import { runDiffCommand } from './diff-command';
import { runHistoryCommand, runReviewCommand, runReviewsCommand } from './history-commands';
import { runNotifyTest } from './notify-command';
import { runServeCommand } from './serve-command';

const USAGE = `noticewatch: watch published privacy notices for drift and verify the TLS promises behind them

Usage:
  noticewatch run   [--watchlist FILE] [OPTIONS]                  drift and TLS for the whole watchlist
  noticewatch drift [--watchlist FILE] [--notice ID]... [OPTIONS]  notices only
  noticewatch tls   [HOST[:PORT]...] [--watchlist FILE] [OPTIONS]  endpoints only
  noticewatch diff  OLD NEW [--json]                              compare two local notice files
  noticewatch serve [--port N] [--host ADDRESS] [--storage CS]    the dashboard and read API over the storage
  noticewatch demo  [--port N] [--once]                           all of it offline, on a sample notice
  noticewatch history NOTICE [--limit N] [--before REPORT] [--json]  a notice's changes, newest first
  noticewatch review  REPORT --status S [--note TEXT] [--reviewer NAME] [--json]
                                                                  record a review of a change
  noticewatch reviews REPORT [--json]                             every review of a change
  noticewatch notify test CHANNEL [--watchlist FILE] [--timeout MS] [--json]
                                                                  send a sample alert to a channel

Options:
  --watchlist FILE   watchlist JSON (default: content/watchlist.json of this package, or NOTICEWATCH_WATCHLIST)
  --notice ID        check only this notice (repeatable)
  --storage CS       Azure Storage connection string (default: AZURE_STORAGE_CONNECTION_STRING,
                     then NOTICEWATCH_STORAGE_ACCOUNT_URL, else an embedded Azurite persisting
                     under ./.noticewatch or NOTICEWATCH_DATA_DIR)
  --ca FILE          PEM CA bundle that anchors certificate trust instead of the system roots
  --timeout MS       per-request (drift) and per-connection (tls) timeout (default 20000 / 5000)
  --concurrency N    checks at once (default 4)
  --json             print exactly one JSON document on stdout
  --port N           serve, demo: port to listen on (serve: 7071, demo: a free one; 0 picks a free one)
  --host ADDRESS     serve: address to listen on (default 127.0.0.1; anywhere else needs the key it
                     prints, or NOTICEWATCH_SERVE_KEY)
  --once             demo: print the run summaries and exit instead of serving the dashboard
  --limit N          history: changes per page (default 20, at most 100)
  --before REPORT    history: start after this change report (the "older" line of the last page)
  --status S         review: acknowledged, not-material or needs-action
  --note TEXT        review: what the reviewer found
  --reviewer NAME    review: who reviewed (default NOTICEWATCH_REVIEWER, else the system user name)

Exit status: 0 all quiet, 1 drift found or an endpoint not compliant,
2 a check could not complete (or usage, configuration or storage trouble).`;

const OPTIONS = {
  watchlist: { type: 'string' },
  notice: { type: 'string', multiple: true },
  storage: { type: 'string' },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  ca: { type: 'string' },
  json: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  once: { type: 'boolean' },
  limit: { type: 'string' },
  before: { type: 'string' },
  status: { type: 'string' },
  note: { type: 'string' },
  reviewer: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Command = 'run' | 'drift' | 'tls';

/** Options that mean something to some commands only: given to another, they are a mistake to point out. */
const CHECKS = ['run', 'drift', 'tls'];
const REVIEWING = ['history', 'review', 'reviews'];
const COMMAND_OPTIONS: Record<string, readonly string[]> = {
  watchlist: [...CHECKS, 'notify'],
  notice: ['drift'],
  storage: [...CHECKS, 'serve', ...REVIEWING],
  timeout: [...CHECKS, 'notify'],
  concurrency: CHECKS,
  ca: CHECKS,
  json: [...CHECKS, 'diff', 'notify', ...REVIEWING],
  port: ['serve', 'demo'],
  host: ['serve'],
  once: ['demo'],
  limit: ['history'],
  before: ['history'],
  status: ['review'],
  note: ['review'],
  reviewer: ['review'],
};

function listed(words: readonly string[]): string {
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}` : words.join('');
}

async function runChecks(command: Command, options: CliOptions, targets: string[]): Promise<number> {
  const settings = readSettings();
  const json = options.json === true;
  // Everything the command line says is checked before storage or a network is touched.
  const limits = runLimits(options, settings);
  if (!limits.ok) throw new UsageError(limits.problem.message);
  const adHoc = command === 'tls' && targets.length > 0 ? endpointsFromArguments(targets) : null;
  if (adHoc && !adHoc.ok) throw new UsageError(adHoc.problem.message);
  const ca = await cliCaBundle(options.ca);
  if (!ca.ok) return reportProblem(ca.problem, json);

  // Ad-hoc TLS targets need no watchlist; everything else reads it.
  const watchlist = adHoc
    ? { ok: true as const, value: { notices: [], endpoints: [], channels: [], problems: [] } }
    : await cliWatchlist(options, settings);
  if (!watchlist.ok) return reportProblem(watchlist.problem, json);
  const opened = await cliStore(options, settings);
  if (!opened.ok) return reportProblem(opened.problem, json);
  try {
    const startedAt = new Date();
    const context: RunContext = {
      store: opened.value.store,
      watchlist: watchlist.value,
      settings,
      limits: limits.value,
      runId: newRunId(startedAt),
      startedAt,
    };
    const document: Record<string, unknown> = { runId: context.runId, startedAt: startedAt.toISOString() };
    const lines: string[] = [`noticewatch ${command} ${context.runId} (${opened.value.store.description})`];
    let exitCode = watchlist.value.problems.length ? 2 : 0;

    if (command !== 'tls') {
      const drift = await driftPart(context, command === 'drift' ? (options.notice ?? []) : []);
      if (!drift.ok) return reportProblem(drift.problem, json);
      const { runId: _runId, startedAt: _startedAt, finishedAt: _finishedAt, ...rest } = drift.value.outcome;
      Object.assign(document, rest);
      lines.push(...drift.value.lines);
      exitCode = Math.max(exitCode, drift.value.exitCode);
    }
    if (command !== 'drift') {
      const tls = await tlsPart(context, adHoc?.ok ? adHoc.value : watchlist.value.endpoints, ca.value);
      const {
        runId: _runId,
        startedAt: _startedAt,
        finishedAt: _finishedAt,
        counts,
        notReached,
        abandoned,
        problems,
        summary,
        trigger: _trigger,
        notifications,
        ...rest
      } = tls.summary;
      Object.assign(document, rest, {
        tls: { counts, notReached, abandoned, problems, summary, ...(notifications ? { notifications } : {}) },
      });
      lines.push(...tls.lines);
      exitCode = Math.max(exitCode, tls.exitCode);
    }
    document.finishedAt = new Date().toISOString();
    process.stdout.write(json ? `${JSON.stringify(orderKeys(document), null, 2)}\n` : `${lines.join('\n')}\n`);
    return exitCode;
  } finally {
    await opened.value.close();
  }
}

/** The documented keys first, so a reader sees runId, times, notices and endpoints at the top. */
function orderKeys(document: Record<string, unknown>): Record<string, unknown> {
  const { runId, startedAt, finishedAt, notices, endpoints, ...rest } = document;
  return {
    runId,
    startedAt,
    finishedAt,
    ...(notices ? { notices } : {}),
    ...(endpoints ? { endpoints } : {}),
    ...rest,
  };
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
    for (const [option, commands] of Object.entries(COMMAND_OPTIONS))
      if (values[option as keyof typeof values] !== undefined && !commands.includes(command))
        throw new UsageError(`--${option} applies to ${listed(commands)}, not ${command}`);
    switch (command) {
      case 'drift':
      case 'run':
        if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
        return await runChecks(command, values, []);
      case 'tls':
        return await runChecks('tls', values, rest);
      case 'serve':
        if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
        return await runServeCommand(values);
      case 'demo':
        if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
        return await runDemoCommand(values);
      case 'diff':
        if (rest.length !== 2) throw new UsageError('diff takes exactly two files: noticewatch diff OLD NEW');
        return await runDiffCommand(rest[0], rest[1], values.json === true);
      case 'history':
        if (rest.length !== 1) throw new UsageError('history takes one notice id: noticewatch history NOTICE');
        return await runHistoryCommand(rest[0], values);
      case 'review':
        if (rest.length !== 1)
          throw new UsageError('review takes one report name: noticewatch review REPORT --status S');
        return await runReviewCommand(rest[0], values);
      case 'reviews':
        if (rest.length !== 1) throw new UsageError('reviews takes one report name: noticewatch reviews REPORT');
        return await runReviewsCommand(rest[0], values);
      case 'notify':
        if (rest[0] !== 'test' || rest.length !== 2)
          throw new UsageError('notify takes a channel id: noticewatch notify test CHANNEL');
        return await runNotifyTest(rest[1], values);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      progress(`noticewatch: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    progress(
      `noticewatch: unexpected failure: ${redactSecrets(error instanceof Error ? error.message : String(error))}`,
    );
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

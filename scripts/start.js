#!/usr/bin/env node
// `npm start`: build when the compiled CLI is missing or older than the sources, then run everything
// on the shipped watchlist with the embedded storage. Plain JS so it runs before anything is compiled.
// `npm run demo` is the same with the arguments `demo`.
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { constants } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const cli = join(root, 'dist', 'cli', 'noticewatch.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sources = ['cli', 'shared', 'functions', 'content'].map((dir) => join(root, dir)).filter(existsSync);
const stale = !existsSync(cli) || Math.max(...sources.map(newestSource)) > statSync(cli).mtimeMs;
if (stale) {
  process.stderr.write('npm start: building (tsc)...\n');
  const build = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')],
    { stdio: 'inherit' },
  );
  if (build.status !== 0) process.exit(build.status ?? 2);
}
const args = process.argv.slice(2);
const child = spawn(
  process.execPath,
  [cli, ...(args.length ? args : ['run', '--watchlist', join(root, 'content', 'watchlist.json')])],
  { stdio: 'inherit' },
);
// Ctrl-C reaches the CLI from the terminal as well; this script waits for it to clean up and exit.
// SIGTERM is sent to this process alone, so it is passed on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 2)));

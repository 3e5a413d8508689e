/**
 * `npm run bench`: every benchmark, one after the other, each in its own process so their timings
 * and memory figures do not disturb each other.
 *   npm run bench -- [--corpus DIR] [--only diff|replay|load]
 * The corpus benchmarks need a folder of real published versions with a manifest.json (by default
 * ../shared/corpus/privacy-policies beside the repository); without it they are skipped, saying so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { defaultCorpusDir } from './diff-bench';

const argv = process.argv.slice(2);
const option = (name: string) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
};
const corpus = resolve(option('corpus') ?? defaultCorpusDir());
const only = option('only');
const hasCorpus = existsSync(join(corpus, 'manifest.json'));

const benches: Array<{ name: string; script: string; args: string[]; needsCorpus: boolean }> = [
  { name: 'diff', script: 'diff-bench.js', args: [corpus], needsCorpus: true },
  { name: 'replay', script: 'replay-corpus.js', args: [corpus], needsCorpus: true },
  { name: 'load', script: 'load-bench.js', args: [], needsCorpus: false },
];

let failed = 0;
for (const bench of benches) {
  if (only && bench.name !== only) continue;
  if (bench.needsCorpus && !hasCorpus) {
    process.stderr.write(`bench ${bench.name}: skipped, no corpus at ${corpus} (give --corpus DIR)\n`);
    continue;
  }
  process.stderr.write(`\n=== bench ${bench.name} ===\n`);
  const run = spawnSync(process.execPath, [join(__dirname, bench.script), ...bench.args], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed += 1;
    process.stderr.write(`bench ${bench.name}: exited with ${run.status ?? run.signal}\n`);
  }
}
process.exitCode = failed ? 1 : 0;

/**
 * Replays the published histories of real privacy policies (the Open Terms Archive corpus beside
 * the repository, or any folder with the same manifest.json) through a local server and a real
 * Azurite, and checks the drift pipeline's promises on every version. Not part of `npm test`:
 * the corpus is not ours to ship. Usage: node dist/bench/replay-corpus.js [CORPUS_DIR] [--only ID]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { startEmbeddedAzurite, storeFromConnectionString } from '../shared/storage';
import { defaultCorpusDir } from './diff-bench';
import { startHistoryServer } from './history-server';
import { replayHistory, type ReplayTally } from './replay-history';

interface Manifest {
  documents: Array<{ id: string; dir: string; versions: Array<{ file: string }> }>;
}

export async function replayCorpus(
  corpusDir: string,
  only?: string,
): Promise<{ totals: ReplayTally; perDocument: Array<{ id: string; tally: ReplayTally }> }> {
  const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8')) as Manifest;
  const azurite = await startEmbeddedAzurite();
  if (!azurite.ok) throw new Error(azurite.problem.message);
  const store = storeFromConnectionString(azurite.value.connectionString);
  if (!store.ok) {
    await azurite.value.stop();
    throw new Error(store.problem.message);
  }
  const server = await startHistoryServer();
  const totals: ReplayTally = {
    versions: 0,
    changed: 0,
    unchanged: 0,
    baseline: 0,
    errors: 0,
    suspect: [],
    recurrences: 0,
    injectedFailures: 0,
    violations: [],
  };
  const perDocument: Array<{ id: string; tally: ReplayTally }> = [];
  try {
    for (const document of manifest.documents) {
      if (only && document.id !== only) continue;
      const versions = document.versions.map((version) =>
        readFileSync(join(corpusDir, document.dir, version.file), 'utf8'),
      );
      const id = document.id.replace(/[^a-z0-9._-]+/gi, '-').toLowerCase();
      const tally = await replayHistory(id, versions, store.value, server);
      perDocument.push({ id: document.id, tally });
      process.stderr.write(
        `${document.id}: ${tally.versions} versions, ${tally.changed} changed (${tally.recurrences} returns to a known version), ${tally.suspect.length} refused as suspect, ${tally.violations.length} violations\n`,
      );
      totals.versions += tally.versions;
      totals.changed += tally.changed;
      totals.unchanged += tally.unchanged;
      totals.baseline += tally.baseline;
      totals.errors += tally.errors;
      totals.recurrences += tally.recurrences;
      totals.injectedFailures += tally.injectedFailures;
      totals.suspect.push(...tally.suspect.map((entry) => ({ ...entry, reason: `${document.id}: ${entry.reason}` })));
      totals.violations.push(...tally.violations.map((violation) => `${document.id}: ${violation}`));
    }
  } finally {
    await server.close();
    await azurite.value.stop();
  }
  return { totals, perDocument };
}

if (require.main === module) {
  const { values, positionals } = parseArgs({ options: { only: { type: 'string' } }, allowPositionals: true });
  const only = values.only;
  const corpus = resolve(positionals[0] ?? defaultCorpusDir());
  const started = Date.now();
  replayCorpus(corpus, only).then(
    ({ totals }) => {
      const { suspect, violations, ...counts } = totals;
      process.stdout.write(
        `${JSON.stringify({ corpus, seconds: (Date.now() - started) / 1000, ...counts, suspect: suspect.length, violations: violations.length }, null, 2)}\n`,
      );
      for (const entry of suspect) process.stdout.write(`suspect: ${entry.reason.slice(0, 200)}\n`);
      for (const violation of violations) process.stdout.write(`VIOLATION: ${violation}\n`);
      process.exitCode = violations.length ? 1 : 0;
    },
    (error: unknown) => {
      process.stderr.write(`replay failed: ${String(error)}\n`);
      process.exitCode = 2;
    },
  );
}

/**
 * Benchmark of shared/diff over a corpus of real consecutive policy versions: for every consecutive
 * pair, analyseChange must produce a diff that round-trips, and we report how long it takes.
 *
 *   npx tsc -p . && node dist/bench/diff-bench.js [CORPUS_DIR]
 *
 * CORPUS_DIR defaults to ../shared/corpus/privacy-policies relative to the repository root. It holds
 * manifest.json listing documents, each a folder of consecutive versions (000.md, 001.md, ...).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { fail, ok, problemFromError, type Result } from '../shared/common/result';
import { analyseChange, applyDiff, type ComparableDocument } from '../shared/diff';
import { documentFromSnapshotText } from '../shared/notices';

export interface DiffBenchPair {
  document: string;
  from: string;
  to: string;
  ms: number;
  bytes: number;
}

export interface DiffBenchSummary {
  corpus: string;
  pairs: number;
  roundTripFailures: DiffBenchPair[];
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  meanMs: number;
  slowest: DiffBenchPair | null;
  lineDiffFallbacks: number;
  wordDiffSkippedHunks: number;
  substantivePairs: number;
  identicalPairs: number;
}

interface Manifest {
  documents: Array<{ id: string; dir: string; versions: Array<{ file: string }> }>;
}

/** Walks up from this file to the repository root (the folder with package.json), compiled or not. */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

export function defaultCorpusDir(): string {
  return path.resolve(repositoryRoot(), '..', 'shared', 'corpus', 'privacy-policies');
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

function readManifest(corpusDir: string): Result<Manifest> {
  const file = path.join(corpusDir, 'manifest.json');
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
    if (!Array.isArray(parsed.documents)) return fail('BENCH_CORPUS_INVALID', `${file} has no "documents" list.`);
    return ok(parsed as Manifest);
  } catch (error) {
    return {
      ok: false,
      problem: problemFromError('BENCH_CORPUS_UNREADABLE', `Cannot read corpus manifest ${file}`, error),
    };
  }
}

export function runDiffBench(corpusDir: string = defaultCorpusDir()): Result<DiffBenchSummary> {
  const manifest = readManifest(corpusDir);
  if (!manifest.ok) return manifest;

  const pairs: Array<{
    document: string;
    from: string;
    to: string;
    previous: ComparableDocument;
    current: ComparableDocument;
  }> = [];
  for (const doc of manifest.value.documents) {
    let texts: string[];
    try {
      texts = doc.versions.map((v) => readFileSync(path.join(corpusDir, doc.dir, v.file), 'utf8'));
    } catch (error) {
      return {
        ok: false,
        problem: problemFromError('BENCH_CORPUS_UNREADABLE', `Cannot read versions of ${doc.id}`, error),
      };
    }
    for (let i = 1; i < texts.length; i++) {
      pairs.push({
        document: doc.id,
        from: doc.versions[i - 1].file,
        to: doc.versions[i].file,
        previous: documentFromSnapshotText(texts[i - 1]),
        current: documentFromSnapshotText(texts[i]),
      });
    }
  }

  // Warm the JIT on a few pairs so the first timed pairs are not measuring compilation.
  for (const pair of pairs.slice(0, 20)) analyseChange(pair.previous, pair.current);

  const timings: DiffBenchPair[] = [];
  const roundTripFailures: DiffBenchPair[] = [];
  let lineDiffFallbacks = 0;
  let wordDiffSkippedHunks = 0;
  let substantivePairs = 0;
  let identicalPairs = 0;
  for (const pair of pairs) {
    const started = performance.now();
    const analysis = analyseChange(pair.previous, pair.current, {
      previousLabel: `${pair.document}/${pair.from}`,
      currentLabel: `${pair.document}/${pair.to}`,
    });
    const ms = performance.now() - started;
    const entry: DiffBenchPair = {
      document: pair.document,
      from: pair.from,
      to: pair.to,
      ms,
      bytes: pair.previous.text.length + pair.current.text.length,
    };
    timings.push(entry);
    if (applyDiff(pair.previous.text, analysis.diff) !== pair.current.text) roundTripFailures.push(entry);
    if (analysis.bounds.lineDiffFallback) lineDiffFallbacks++;
    wordDiffSkippedHunks += analysis.bounds.wordDiffSkippedHunks;
    if (analysis.substantive) substantivePairs++;
    if (pair.previous.text === pair.current.text) identicalPairs++;
  }

  const sorted = timings.map((t) => t.ms).sort((a, b) => a - b);
  const slowest = timings.reduce<DiffBenchPair | null>(
    (worst, t) => (worst === null || t.ms > worst.ms ? t : worst),
    null,
  );
  return ok({
    corpus: corpusDir,
    pairs: pairs.length,
    roundTripFailures,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: sorted.length > 0 ? sorted[sorted.length - 1] : 0,
    meanMs: sorted.length > 0 ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0,
    slowest,
    lineDiffFallbacks,
    wordDiffSkippedHunks,
    substantivePairs,
    identicalPairs,
  });
}

export function formatDiffBench(summary: DiffBenchSummary): string {
  const ms = (n: number): string => `${n.toFixed(2)} ms`;
  const lines = [
    `corpus: ${summary.corpus}`,
    `pairs: ${summary.pairs} (substantive ${summary.substantivePairs}, identical text ${summary.identicalPairs})`,
    `round-trip failures: ${summary.roundTripFailures.length}`,
    `p50: ${ms(summary.p50Ms)}  p95: ${ms(summary.p95Ms)}  max: ${ms(summary.maxMs)}  mean: ${ms(summary.meanMs)}`,
    summary.slowest
      ? `slowest: ${summary.slowest.document} ${summary.slowest.from} -> ${summary.slowest.to} (${ms(summary.slowest.ms)}, ${summary.slowest.bytes} chars)`
      : 'slowest: none',
    `line diff fallbacks: ${summary.lineDiffFallbacks}  word diff skipped hunks: ${summary.wordDiffSkippedHunks}`,
  ];
  for (const failure of summary.roundTripFailures)
    lines.push(`  round-trip FAILED: ${failure.document} ${failure.from} -> ${failure.to}`);
  return lines.join('\n');
}

if (require.main === module) {
  const result = runDiffBench(process.argv[2] ? path.resolve(process.argv[2]) : defaultCorpusDir());
  if (!result.ok) {
    console.error(`${result.problem.code}: ${result.problem.message}`);
    process.exitCode = 2;
  } else {
    console.log(formatDiffBench(result.value));
    if (result.value.roundTripFailures.length > 0) process.exitCode = 1;
  }
}

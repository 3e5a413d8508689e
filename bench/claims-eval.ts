/**
 * Precision and recall of the claims extractor on hand-labelled real changes.
 *
 *   node dist/bench/claims-eval.js [CORPUS_ROOT] [--verbose]
 *
 * Reads bench/claims-labels/privacy-policies.json (pairs of consecutive versions from the
 * privacy-policies corpora under CORPUS_ROOT, default /work/shared/corpus, each with the claim
 * changes a reader finds), compares each pair as a change report does (parse, normalise,
 * analyseChange, then the claims) and scores the claim changes per kind and per split: `dev`
 * documents were looked at while writing the vocabulary, `heldout` documents were not.
 *
 * A change is scored as events: added X is +X, removed X is -X, changed X to Y is -X and +Y, so a
 * change found as removed+added instead of changed still counts. A service whose name stays but
 * whose receipts changed is not scored (its labels would be a matter of taste); the count of such
 * reports is printed. Label names of services are mapped to vocabulary names through aliases.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { changeClaimFields, type ClaimChange, SHIPPED_VOCABULARY } from '../shared/claims';
import { analyseChange } from '../shared/diff';
import { buildSnapshotDocument, parseNotice, type SnapshotDocument } from '../shared/notices';
import labels from './claims-labels/privacy-policies.json';
import type { LabelledClaimChange } from './claims-replay';

interface LabelledPair {
  readonly corpus: string;
  readonly document: string;
  readonly from: number;
  readonly to: number;
  readonly split: 'dev' | 'heldout';
  readonly claimChanges: readonly LabelledClaimChange[];
}

interface Manifest {
  readonly documents: ReadonlyArray<{ id: string; dir: string; versions: ReadonlyArray<{ file: string }> }>;
}

const KINDS: readonly ClaimChange['claim'][] = ['tlsMinimum', 'service', 'encryption', 'retention', 'contact'];

/** Service names as the vocabulary writes them, found by any of their spellings. */
const serviceNames = new Map<string, string>();
for (const file of SHIPPED_VOCABULARY)
  for (const service of file.services ?? [])
    for (const spelling of [service.name, ...(service.aliases ?? [])])
      serviceNames.set(spelling.toLowerCase(), service.name);

function events(change: LabelledClaimChange): string[] {
  const value = (text: string | null): string => {
    const plain = (text ?? '').toLowerCase();
    return change.claim === 'service' ? (serviceNames.get(plain) ?? plain).toLowerCase() : plain;
  };
  if (change.claim === 'service' && change.change === 'changed') return [];
  const out: string[] = [];
  if (change.before !== null) out.push(`${change.claim}\t-\t${value(change.before)}`);
  if (change.after !== null) out.push(`${change.claim}\t+\t${value(change.after)}`);
  return out;
}

async function version(root: string, pair: LabelledPair, index: number): Promise<SnapshotDocument> {
  const manifest = JSON.parse(await readFile(join(root, pair.corpus, 'manifest.json'), 'utf8')) as Manifest;
  const document = manifest.documents.find((candidate) => candidate.id === pair.document);
  if (!document) throw new Error(`${pair.corpus}/${pair.document} is not in the corpus manifest`);
  const path = join(root, pair.corpus, document.dir, document.versions[index].file);
  const parsed = parseNotice(await readFile(path, 'utf8'), 'markdown', undefined, path);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return buildSnapshotDocument(parsed.value.frontMatterText, parsed.value.metadata, parsed.value.body);
}

type Tally = Record<string, { tp: number; fp: number; fn: number }>;

function ratio(part: number, whole: number): string {
  return whole === 0 ? '  n/a' : `${((100 * part) / whole).toFixed(0).padStart(4)}%`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const root = args.find((arg) => !arg.startsWith('--')) ?? '/work/shared/corpus';
  const pairs = labels.pairs as LabelledPair[];
  const tallies: Record<string, Tally> = { dev: {}, heldout: {} };
  const counts = { dev: 0, heldout: 0 };
  let receiptChanges = 0;
  for (const pair of pairs) {
    const previous = await version(root, pair, pair.from);
    const current = await version(root, pair, pair.to);
    const fields = changeClaimFields(previous, current, analyseChange(previous, current));
    receiptChanges += fields.claimChanges.filter((c) => c.claim === 'service' && c.change === 'changed').length;
    const found = new Set(fields.claimChanges.flatMap(events));
    const expected = new Set(pair.claimChanges.flatMap(events));
    counts[pair.split] += 1;
    const tally = tallies[pair.split];
    for (const kind of KINDS) tally[kind] ??= { tp: 0, fp: 0, fn: 0 };
    const name = `${pair.split} ${pair.corpus}/${pair.document} ${pair.from}->${pair.to}`;
    for (const event of found) {
      const kind = event.split('\t')[0];
      if (expected.has(event)) tally[kind].tp += 1;
      else {
        tally[kind].fp += 1;
        if (verbose) console.log(`FP ${name}: ${event.replace(/\t/g, ' ')}`);
      }
    }
    for (const event of expected)
      if (!found.has(event)) {
        tally[event.split('\t')[0]].fn += 1;
        if (verbose) console.log(`FN ${name}: ${event.replace(/\t/g, ' ')}`);
      }
  }
  for (const split of ['heldout', 'dev'] as const) {
    const tally = tallies[split];
    const labelled = Object.values(tally).reduce((n, t) => n + t.tp + t.fn, 0);
    console.log(`\n${split}: ${counts[split]} changes, ${labelled} labelled claim events`);
    console.log('kind         labelled  found   TP  FP  FN  precision  recall');
    const total = { tp: 0, fp: 0, fn: 0 };
    for (const kind of KINDS) {
      const t = tally[kind] ?? { tp: 0, fp: 0, fn: 0 };
      total.tp += t.tp;
      total.fp += t.fp;
      total.fn += t.fn;
      console.log(
        `${kind.padEnd(12)} ${String(t.tp + t.fn).padStart(8)} ${String(t.tp + t.fp).padStart(6)} ${String(t.tp).padStart(4)} ${String(t.fp).padStart(3)} ${String(t.fn).padStart(3)}      ${ratio(t.tp, t.tp + t.fp)}   ${ratio(t.tp, t.tp + t.fn)}`,
      );
    }
    console.log(
      `${'all'.padEnd(12)} ${String(total.tp + total.fn).padStart(8)} ${String(total.tp + total.fp).padStart(6)} ${String(total.tp).padStart(4)} ${String(total.fp).padStart(3)} ${String(total.fn).padStart(3)}      ${ratio(total.tp, total.tp + total.fp)}   ${ratio(total.tp, total.tp + total.fn)}`,
    );
  }
  console.log(`\nservice receipt changes reported (not scored): ${receiptChanges}`);
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
});

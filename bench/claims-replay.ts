import { changeClaimFields, type ChangeSeverity, type ClaimChange } from '../shared/claims';
import { analyseChange } from '../shared/diff';
import type { MsDocsVersion } from './msdocs-versions';

/** A claim change as hand labels write it: no evidence, only what changed. */
export interface LabelledClaimChange {
  readonly claim: ClaimChange['claim'];
  readonly change: ClaimChange['change'];
  readonly before: string | null;
  readonly after: string | null;
}

export interface ReplayedPair {
  readonly from: string;
  readonly to: string;
  readonly severity: ChangeSeverity;
  readonly claimChanges: ClaimChange[];
}

export interface LabelledPair {
  readonly from: string;
  readonly to: string;
  readonly severity: ChangeSeverity;
  readonly claimChanges: readonly LabelledClaimChange[];
}

/** Consecutive versions compared as a change report compares them (analyseChange, then the claims). */
export function replayClaimChanges(versions: readonly MsDocsVersion[]): ReplayedPair[] {
  const pairs: ReplayedPair[] = [];
  for (let i = 1; i < versions.length; i++) {
    const previous = versions[i - 1];
    const current = versions[i];
    const analysis = analyseChange(previous.document, current.document);
    const fields = changeClaimFields(previous.document, current.document, analysis);
    pairs.push({ from: previous.id, to: current.id, severity: fields.severity, claimChanges: fields.claimChanges });
  }
  return pairs;
}

const key = (change: LabelledClaimChange): string =>
  JSON.stringify([change.claim, change.change, change.before, change.after]);

/** Every difference between replayed and labelled pairs, as sentences; empty when they agree exactly. */
export function differencesFromLabels(replayed: readonly ReplayedPair[], labels: readonly LabelledPair[]): string[] {
  const differences: string[] = [];
  for (const label of labels) {
    const pair = replayed.find((candidate) => candidate.from === label.from && candidate.to === label.to);
    const name = `${label.from} -> ${label.to}`;
    if (!pair) {
      differences.push(`${name}: not replayed`);
      continue;
    }
    if (pair.severity !== label.severity)
      differences.push(`${name}: severity ${pair.severity}, labelled ${label.severity}`);
    const found = new Set(pair.claimChanges.map(key));
    const expected = new Set(label.claimChanges.map(key));
    for (const item of expected) if (!found.has(item)) differences.push(`${name}: missing ${item}`);
    for (const item of found) if (!expected.has(item)) differences.push(`${name}: unexpected ${item}`);
  }
  if (replayed.length !== labels.length)
    differences.push(`${replayed.length} pairs replayed, ${labels.length} labelled`);
  return differences;
}

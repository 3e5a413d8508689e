/**
 * Replays the real Sales Insights notice versions (default /work/shared/corpus/msdocs-sales-insights)
 * through the claims comparison and checks the result against the hand labels in
 * bench/claims-labels/msdocs-sales-insights.json. Exit status 0 when they agree exactly.
 *
 *   node dist/bench/claims-sales-insights.js [CORPUS_DIR]
 */
import labels from './claims-labels/msdocs-sales-insights.json';
import { differencesFromLabels, type LabelledPair, replayClaimChanges } from './claims-replay';
import { loadMsDocsVersions } from './msdocs-versions';

async function main(): Promise<number> {
  const dir = process.argv[2] ?? '/work/shared/corpus/msdocs-sales-insights';
  const versions = await loadMsDocsVersions(dir);
  if (!versions.ok) {
    console.error(`${versions.problem.code}: ${versions.problem.message}`);
    return 2;
  }
  const replayed = replayClaimChanges(versions.value);
  for (const pair of replayed) {
    console.log(`${pair.from} -> ${pair.to}  severity ${pair.severity}`);
    for (const change of pair.claimChanges)
      console.log(
        `  ${change.claim} ${change.change}: ${change.before ?? '-'} => ${change.after ?? '-'}  [${change.evidence.heading}]`,
      );
  }
  const differences = differencesFromLabels(replayed, labels.pairs as LabelledPair[]);
  for (const difference of differences) console.log(`DIFFERS ${difference}`);
  console.log(differences.length === 0 ? 'claim changes match the hand labels' : `${differences.length} differences`);
  return differences.length === 0 ? 0 : 1;
}

void main().then((code) => {
  process.exitCode = code;
});

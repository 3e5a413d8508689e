import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import realLabels from '../../bench/claims-labels/msdocs-sales-insights.json';
import { differencesFromLabels, type LabelledPair, replayClaimChanges } from '../../bench/claims-replay';
import { loadMsDocsVersions } from '../../bench/msdocs-versions';
import fixtureLabels from '../fixtures/claims/fabrikam-sales-assist/labels.json';

const FIXTURES = join(__dirname, '../fixtures/claims/fabrikam-sales-assist');
const REAL_CORPUS = '/work/shared/corpus/msdocs-sales-insights';

describe('claim changes of a Microsoft Docs notice, includes expanded', () => {
  it('match the hand labels on our own Fabrikam versions', async () => {
    const versions = await loadMsDocsVersions(FIXTURES);
    if (!versions.ok) throw new Error(versions.problem.message);
    const replayed = replayClaimChanges(versions.value);
    expect(differencesFromLabels(replayed, fixtureLabels.pairs as LabelledPair[])).toEqual([]);
    // Every claim change points at its section and sentence.
    const tls = replayed[0].claimChanges.find((change) => change.claim === 'tlsMinimum');
    expect(tls?.evidence).toEqual({
      heading: 'Fabrikam Sales Assist privacy notice > Data protection',
      text: 'Access to the service endpoints needs TLS 1.2 or a later version.',
    });
    const batch = replayed[1].claimChanges[0];
    expect(batch.evidence.text).toContain('Azure batch services');
  });

  it.skipIf(!existsSync(REAL_CORPUS))(
    'match the hand labels on the five real Sales Insights versions (skipped without the corpus)',
    async () => {
      const versions = await loadMsDocsVersions(REAL_CORPUS);
      if (!versions.ok) throw new Error(versions.problem.message);
      expect(differencesFromLabels(replayClaimChanges(versions.value), realLabels.pairs as LabelledPair[])).toEqual([]);
    },
  );
});

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { JUNK, POLICY_EN, POLICY_FR, REAL_CHANGES } from '../support/plausibility-fixtures';

const run = promisify(execFile);
const SCRIPT = join(__dirname, '..', '..', 'scripts', 'evaluate-plausibility.js');

/**
 * The README's figures come from `scripts/evaluate-plausibility.js`; this runs it on a small corpus
 * laid out as the shared ones are (manifest.json, labels.json, NNN.md per version), written from our
 * own fixtures, so the command the README gives keeps working and counts what it says it counts.
 */
let corpus: string;

function writeHistory(id: string, bodies: string[], startHour: number): object {
  const dir = join(corpus, id);
  mkdirSync(dir, { recursive: true });
  const versions = bodies.map((body, index) => {
    const file = `${String(index).padStart(3, '0')}.md`;
    writeFileSync(join(dir, file), body);
    // One version a day: every real change lasts long enough to be accepted if held.
    return { file, recorded: new Date(Date.UTC(2026, 0, 1, startHour) + index * 86_400_000).toISOString() };
  });
  return { id, dir: id, versions };
}

beforeAll(() => {
  corpus = mkdtempSync(join(tmpdir(), 'nw-plausibility-corpus-'));
  const errorPages = JUNK.filter((entry) => entry.signal === 'error-page' && entry.previous === undefined).slice(0, 3);
  const documents = [
    // Junk at versions 1, 3 and 5, the notice coming back between them.
    writeHistory(
      'site-a/privacy',
      [POLICY_EN, errorPages[0].body, POLICY_EN, errorPages[1].body, POLICY_FR, errorPages[2].body],
      0,
    ),
    // Real changes only: a language switch, then a rewrite.
    writeHistory('site-b/privacy', [POLICY_EN, POLICY_FR, POLICY_EN, REAL_CHANGES.at(-1)!.after], 1),
  ];
  writeFileSync(join(corpus, 'manifest.json'), JSON.stringify({ documents }));
  writeFileSync(
    join(corpus, 'labels.json'),
    JSON.stringify({ junk: { 'site-a/privacy': [1, 3, 5] }, realBigChanges: { 'site-b/privacy': [3] }, evidence: {} }),
  );
});
afterAll(() => rmSync(corpus, { recursive: true, force: true }));

describe('scripts/evaluate-plausibility.js', () => {
  it('counts refused junk and real changes reported on their run, as the README reports them', async () => {
    const { stdout } = await run(process.execPath, [SCRIPT, corpus], { timeout: 60_000 });
    const figures = JSON.parse(stdout.slice(0, stdout.lastIndexOf('}') + 1));

    expect(figures).toMatchObject({
      documents: 2,
      versions: 10,
      junk: 3,
      junkRefused: 3,
      junkRecall: '100.0%',
      junkPrecision: '100.0%',
      // site-a: POLICY_FR after POLICY_EN; site-b: three changes.
      real: 4,
      realOnTime: 4,
      realHeld: 0,
      realLost: 0,
      // The rewrite labelled as a big real change.
      realBig: 1,
      realBigOnTime: 1,
    });
    expect(stdout).not.toContain('MISSED JUNK');
    expect(stdout).not.toContain('HELD REAL');
  });

  it('names a missed junk version when the labels say a real version is junk', async () => {
    writeFileSync(
      join(corpus, 'labels.json'),
      JSON.stringify({
        junk: { 'site-a/privacy': [1, 3, 5], 'site-b/privacy': [1] },
        realBigChanges: {},
        evidence: {},
      }),
    );
    const { stdout } = await run(process.execPath, [SCRIPT, corpus], { timeout: 60_000 });

    expect(stdout).toContain('MISSED JUNK site-b/privacy/001.md');
    expect(stdout).toContain('"junkRecall": "75.0%"');
  });

  it('refuses to run without a corpus, saying how to call it', async () => {
    await expect(run(process.execPath, [SCRIPT], { timeout: 60_000 })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage: node scripts/evaluate-plausibility.js'),
    });
  });
});

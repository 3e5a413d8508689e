import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { analyseChange } from '../../shared/diff';

/** The diff is meant for people and tools alike, so it must also apply with GNU patch, not only with jsdiff. */
const PATCH = ['/usr/bin/patch', '/bin/patch'].find((p) => existsSync(p));
const dir = mkdtempSync(path.join(tmpdir(), 'noticewatch-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES: Array<[string, string, string]> = [
  [
    'body edit',
    '# Notice\n\nWe keep data for one year.\n\n## Rights\n\nAsk us.\n',
    '# Notice\n\nWe keep data for two years.\n\n## Rights\n\nAsk us.\n',
  ],
  ['final newline removed', 'a\nb\n', 'a\nb'],
  ['final newline added', 'a\nb', 'a\nb\n'],
  ['last line changed, no newline either side', 'a\nb', 'a\nc'],
  ['from empty', '', '# New notice\n\nHello.\n'],
  ['carriage returns', 'one\r\ntwo\rthree\n', 'one\r\ntwo\rTHREE\r\n'],
  ['diff-like content', '--- a\n+++ b\n@@ -1 +1 @@\n\\ x\n', '--- a\n+++ c\n@@ -1 +1 @@\n\\ y\n'],
  ['unicode', 'Données personnelles 🍪\n', 'Données à caractère personnel 🍪🍪\n'],
];

describe.skipIf(PATCH === undefined)('diff applies with GNU patch', () => {
  it.each(CASES)('%s', (name, before, after) => {
    const { diff } = analyseChange(
      { text: before, metadata: {}, body: before },
      { text: after, metadata: {}, body: after },
    );
    const base = path.join(dir, name.replace(/\W+/g, '-'));
    writeFileSync(`${base}.old`, before);
    writeFileSync(`${base}.diff`, diff);
    execFileSync(PATCH as string, ['--batch', '--silent', '-o', `${base}.new`, `${base}.old`, `${base}.diff`]);
    expect(readFileSync(`${base}.new`, 'utf8')).toBe(after);
  });
});

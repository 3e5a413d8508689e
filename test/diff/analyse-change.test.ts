import { describe, expect, it } from 'vitest';

import { analyseChange, applyDiff, type ChangeAnalysis, type ComparableDocument } from '../../shared/diff';
import { makeDoc, plainDoc } from './make-doc';

const NOTICE = `---
title: Privacy notice
updated: 2026-01-08
owners:
  - legal
---
# Privacy notice

Harbour Lane Bakery respects your privacy.

## What we collect

We collect your name and email address when you order.

## How we use your data

We use your data to deliver orders.

### Cookies

We use one cookie to keep your basket.

## Your rights

You can ask for a copy of your data.
`;

function analyse(previous: ComparableDocument, current: ComparableDocument): ChangeAnalysis {
  const result = analyseChange(previous, current);
  // Every test also checks the central promise: the diff turns previous into current exactly.
  expect(applyDiff(previous.text, result.diff)).toBe(current.text);
  return result;
}

describe('analyseChange', () => {
  it('reports a metadata-only change as not substantive, with the changed keys and no sections', () => {
    const next = NOTICE.replace('updated: 2026-01-08', 'updated: 2026-02-01').replace(
      '  - legal',
      '  - legal\n  - dpo',
    );
    const result = analyse(makeDoc(NOTICE), makeDoc(next));
    expect(result.substantive).toBe(false);
    expect(result.metadataChanges).toEqual([
      { key: 'owners', before: ['legal'], after: ['legal', 'dpo'] },
      { key: 'updated', before: '2026-01-08T00:00:00.000Z', after: '2026-02-01T00:00:00.000Z' },
    ]);
    expect(result.sections).toEqual([]);
    expect(result.wordChanges).toEqual([]);
    expect(result.linesAdded).toBe(2);
    expect(result.linesRemoved).toBe(1);
    expect(JSON.parse(JSON.stringify(result.metadataChanges))).toEqual(result.metadataChanges);
  });

  it('reports added and removed metadata keys with null on the absent side, keys sorted', () => {
    const before = { text: 'x\n', metadata: { zeta: 1, alpha: { nested: [1, 2] } }, body: 'x\n' };
    const after = { text: 'x\n', metadata: { alpha: { nested: [1, 2] }, beta: true }, body: 'x\n' };
    const result = analyseChange(before, after);
    expect(result.metadataChanges).toEqual([
      { key: 'beta', before: null, after: true },
      { key: 'zeta', before: 1, after: null },
    ]);
    expect(result.substantive).toBe(false);
  });

  it('locates a body change in one nested section', () => {
    const next = NOTICE.replace(
      'We use one cookie to keep your basket.',
      'We use two cookies to keep your basket and measure visits.',
    );
    const result = analyse(makeDoc(NOTICE), makeDoc(next));
    expect(result.substantive).toBe(true);
    expect(result.metadataChanges).toEqual([]);
    expect(result.sections).toEqual([
      {
        heading: 'Privacy notice > How we use your data > Cookies',
        change: 'modified',
        linesAdded: 1,
        linesRemoved: 1,
      },
    ]);
    expect(result.linesAdded).toBe(1);
    expect(result.linesRemoved).toBe(1);
    expect(result.diff).toContain('-We use one cookie to keep your basket.');
    expect(result.diff).toContain('+We use two cookies to keep your basket and measure visits.');
    expect(result.diff.startsWith('--- previous\n+++ current\n@@ ')).toBe(true);
  });

  it('highlights the changed words inside a change block', () => {
    const next = NOTICE.replace(
      'We use one cookie to keep your basket.',
      'We use two cookies to keep your basket and measure visits.',
    );
    const [change] = analyse(makeDoc(NOTICE), makeDoc(next)).wordChanges;
    expect(change.heading).toBe('Privacy notice > How we use your data > Cookies');
    expect(change.removed).toBe('We use one cookie to keep your basket.');
    expect(change.added).toBe('We use two cookies to keep your basket and measure visits.');
    expect(change.truncated).toBe(false);
    expect(change.parts).toEqual([
      { kind: 'same', text: 'We use ' },
      { kind: 'removed', text: 'one cookie' },
      { kind: 'added', text: 'two cookies' },
      { kind: 'same', text: ' to keep your basket' },
      { kind: 'added', text: ' and measure visits' },
      { kind: 'same', text: '.' },
    ]);
  });

  it('reports a new section as added and a dropped one as removed, in document order', () => {
    const added = NOTICE.replace('## Your rights', '## Sharing\n\nWe never sell your data.\n\n## Your rights');
    const addResult = analyse(makeDoc(NOTICE), makeDoc(added));
    expect(addResult.sections).toEqual([
      { heading: 'Privacy notice > Sharing', change: 'added', linesAdded: 4, linesRemoved: 0 },
    ]);

    const removeResult = analyse(makeDoc(added), makeDoc(NOTICE));
    expect(removeResult.sections).toEqual([
      { heading: 'Privacy notice > Sharing', change: 'removed', linesAdded: 0, linesRemoved: 4 },
    ]);
  });

  it('shows a renamed section as removed plus added, and its sub-sections move with it', () => {
    const next = NOTICE.replace('## How we use your data', '## How we use personal data');
    const result = analyse(makeDoc(NOTICE), makeDoc(next));
    expect(result.sections).toEqual([
      // Removed sections come first at a position, as removals do in the unified diff.
      { heading: 'Privacy notice > How we use your data', change: 'removed', linesAdded: 0, linesRemoved: 1 },
      { heading: 'Privacy notice > How we use your data > Cookies', change: 'removed', linesAdded: 0, linesRemoved: 0 },
      { heading: 'Privacy notice > How we use personal data', change: 'added', linesAdded: 1, linesRemoved: 0 },
      {
        heading: 'Privacy notice > How we use personal data > Cookies',
        change: 'added',
        linesAdded: 0,
        linesRemoved: 0,
      },
    ]);
  });

  it('understands setext headings and ignores horizontal rules and the front matter fence', () => {
    const previous = `---
title: Setext
---
Privacy notice
==============

Intro text.

Data we keep
------------

Orders for six years.

---

Footer text.
`;
    const next = previous
      .replace('Orders for six years.', 'Orders for seven years.')
      .replace('Footer text.', 'Footer text, revised.');
    const result = analyse(makeDoc(previous), makeDoc(next));
    expect(result.sections).toEqual([
      { heading: 'Privacy notice > Data we keep', change: 'modified', linesAdded: 2, linesRemoved: 2 },
    ]);
  });

  it('joins a multi-line setext paragraph into one heading', () => {
    const previous = 'Terms of\nprivacy\n===\n\ntext\n';
    const result = analyse(plainDoc(previous), plainDoc(previous.replace('text', 'more text')));
    expect(result.sections.map((s) => s.heading)).toEqual(['Terms of privacy']);
  });

  it('ignores headings inside fenced code blocks', () => {
    const previous =
      '# Notice\n\n```markdown\n# Not a heading\n## Also not\n```\n\nAfter the code.\n\n~~~~\n# still code\n~~~\n# still code too\n~~~~\n';
    const next = previous
      .replace('## Also not', '## Also not, changed')
      .replace('# still code too', '# still code, changed');
    const result = analyse(plainDoc(previous), plainDoc(next));
    expect(result.sections).toEqual([{ heading: 'Notice', change: 'modified', linesAdded: 2, linesRemoved: 2 }]);
  });

  it('parses ATX closing hashes and decorations, and rejects #hashtags', () => {
    const previous = '## **Your** [rights](https://example.test/rights) ##\n\ntext\n\n#hashtag line\n';
    const result = analyse(plainDoc(previous), plainDoc(previous.replace('#hashtag line', '#hashtag line!')));
    expect(result.sections).toEqual([{ heading: 'Your rights', change: 'modified', linesAdded: 1, linesRemoved: 1 }]);
  });

  it('attributes text before the first heading to the preamble', () => {
    const previous = 'Last updated: 1 March 2026\n\n# Notice\n\nBody.\n';
    const result = analyse(plainDoc(previous), plainDoc(previous.replace('1 March', '2 March')));
    expect(result.sections).toEqual([{ heading: '(preamble)', change: 'modified', linesAdded: 1, linesRemoved: 1 }]);
    expect(result.wordChanges[0].heading).toBe('(preamble)');

    const added = analyse(plainDoc('# Notice\n\nBody.\n'), plainDoc(previous));
    expect(added.sections).toEqual([{ heading: '(preamble)', change: 'added', linesAdded: 2, linesRemoved: 0 }]);
  });

  it('numbers duplicate headings deterministically and matches them by occurrence', () => {
    const previous = '# Notice\n\n## Contact\n\nfirst\n\n## Contact\n\nsecond\n';
    const result = analyse(plainDoc(previous), plainDoc(previous.replace('second', 'second, changed')));
    expect(result.sections).toEqual([
      { heading: 'Notice > Contact (2)', change: 'modified', linesAdded: 1, linesRemoved: 1 },
    ]);

    const again = analyseChange(plainDoc(previous), plainDoc(previous.replace('second', 'second, changed')));
    expect(again.sections).toEqual(result.sections);
  });

  it('handles a missing final newline on either side', () => {
    const withNewline = '# Notice\n\nLast line\n';
    const without = '# Notice\n\nLast line';
    const removedNewline = analyse(plainDoc(withNewline), plainDoc(without));
    expect(removedNewline.diff).toContain('\\ No newline at end of file');
    expect(removedNewline.substantive).toBe(true);
    analyse(plainDoc(without), plainDoc(withNewline));
    analyse(plainDoc(without), plainDoc('# Notice\n\nOther last line'));
  });

  it('handles an empty previous or current document', () => {
    const created = analyse(plainDoc(''), makeDoc(NOTICE));
    expect(created.linesRemoved).toBe(0);
    expect(created.linesAdded).toBe(NOTICE.split('\n').length - 1);
    expect(created.sections.every((s) => s.change === 'added')).toBe(true);
    expect(created.metadataChanges.map((c) => c.key)).toEqual(['owners', 'title', 'updated']);

    const emptied = analyse(makeDoc(NOTICE), plainDoc(''));
    expect(emptied.sections.every((s) => s.change === 'removed')).toBe(true);

    const nothing = analyse(plainDoc(''), plainDoc(''));
    expect(nothing).toMatchObject({
      substantive: false,
      sections: [],
      wordChanges: [],
      linesAdded: 0,
      linesRemoved: 0,
    });
  });

  it('reproduces CRLF leftovers and lone carriage returns exactly', () => {
    const previous = '# Notice\r\n\r\nLine one\r\nLine two\rstill two\n';
    const next = '# Notice\r\n\r\nLine one changed\r\nLine two\rstill two\r\n';
    const result = analyse(plainDoc(previous), plainDoc(next));
    expect(result.sections).toEqual([{ heading: 'Notice', change: 'modified', linesAdded: 2, linesRemoved: 2 }]);
  });

  it('returns a header-only diff for identical documents', () => {
    const result = analyse(makeDoc(NOTICE), makeDoc(NOTICE));
    expect(result).toMatchObject({
      substantive: false,
      metadataChanges: [],
      sections: [],
      wordChanges: [],
      linesAdded: 0,
      linesRemoved: 0,
    });
    expect(result.diff).toBe('--- previous\n+++ current\n');
  });

  it('keeps the diff parseable whatever the labels contain', () => {
    const result = analyseChange(plainDoc('a\n'), plainDoc('b\n'), {
      previousLabel: 'snap\tshots/01 é\n.md',
      currentLabel: 'x',
    });
    expect(applyDiff('a\n', result.diff)).toBe('b\n');
  });

  it('finds the body when the text and body disagree (trusts the text)', () => {
    const text = '---\ntitle: x\n---\n# Notice\n\nBody.\n';
    const previous = { text, metadata: { title: 'x' }, body: 'not a suffix' };
    const current = { text: text.replace('Body.', 'Body!'), metadata: { title: 'x' }, body: '' };
    const result = analyse(previous, current);
    expect(result.sections).toEqual([{ heading: 'Notice', change: 'modified', linesAdded: 1, linesRemoved: 1 }]);
  });

  it('treats a body that starts with a horizontal rule after front matter as body', () => {
    const previous = makeDoc('---\ntitle: x\n---\n---\nIntro\n');
    const current = makeDoc('---\ntitle: x\n---\n---\nIntro changed\n');
    expect(previous.body).toBe('---\nIntro\n');
    const result = analyse(previous, current);
    expect(result.substantive).toBe(true);
    expect(result.sections).toEqual([{ heading: '(preamble)', change: 'modified', linesAdded: 1, linesRemoved: 1 }]);
  });
});

describe('applyDiff', () => {
  it('returns null for a diff that does not apply or is not a diff', () => {
    const { diff } = analyseChange(plainDoc('one\ntwo\n'), plainDoc('one\nthree\n'));
    expect(applyDiff('something else\n', diff)).toBeNull();
    expect(applyDiff('one\ntwo\n', '@@ -1,1 +1,1 @@\n-one\n-extra\n')).toBeNull();
  });
});

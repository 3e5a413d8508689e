import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { buildSnapshotDocument, hashSnapshot, normaliseText } from '../../shared/notices';
import { recordProperty } from '../support/reliability-tally';

describe('normaliseText', () => {
  it('strips the BOM, unifies CRLF and lone CR, trims line ends and collapses blank lines', () => {
    const input = '\ufeff\n\n# Privacy  \r\n\r\n\r\n\r\nWe collect\tdata.\t \rNothing else.\n\n\n';
    expect(normaliseText(input)).toBe('# Privacy\n\nWe collect\tdata.\nNothing else.\n');
  });

  it('composes to NFC so decomposed and precomposed accents hash the same', () => {
    const decomposed = 'Donne\u0301es personnelles\n';
    const precomposed = 'Donn\u00e9es personnelles\n';
    expect(normaliseText(decomposed)).toBe(precomposed);
  });

  it('removes zero-width spaces and word joiners, turns no-break spaces into spaces, keeps ZWJ/ZWNJ', () => {
    expect(normaliseText('per\u200bsonal\u00a0data\u202fhere\u2060.\n')).toBe('personal data here.\n');
    const family = '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}';
    expect(normaliseText(`${family} and \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645\n`)).toBe(
      `${family} and \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645\n`,
    );
  });

  it('keeps leading indentation (significant in markdown)', () => {
    expect(normaliseText('- item\n    code block\n')).toBe('- item\n    code block\n');
  });

  it('maps empty and whitespace-only text to the empty string', () => {
    expect(normaliseText('')).toBe('');
    expect(normaliseText(' \n\t\r\n\u00a0\n')).toBe('');
  });

  it('ends with exactly one newline', () => {
    expect(normaliseText('a')).toBe('a\n');
    expect(normaliseText('a\n\n\n')).toBe('a\n');
  });

  it('is idempotent (property)', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '\r\n',
        '\r',
        '\n',
        ' ',
        '\t',
        '\u00a0',
        '\u202f',
        '\u200b',
        '\u2060',
        '\ufeff',
        'e',
        '\u0301',
        '\u0323',
        '\u1100',
        '\u1161',
        '\u11a8',
        '#',
        '-',
        '`',
      ),
      fc.string({ unit: 'binary', maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const once = normaliseText(pieces.join(''));
        expect(normaliseText(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
    recordProperty('normalising is idempotent');
  });

  it('hashes the same published text identically whatever its line endings and trailing spaces (property)', () => {
    const line = fc.string({ unit: 'grapheme-ascii', maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, ''));
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 20 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.constantFrom('', ' ', '\t', '  \t'),
        (lines, eol, trail) => {
          const plain = buildSnapshotDocument(null, {}, lines.join('\n'));
          const noisy = buildSnapshotDocument(null, {}, lines.map((l) => l + trail).join(eol) + eol + eol);
          expect(hashSnapshot(noisy.text)).toBe(hashSnapshot(plain.text));
        },
      ),
    );
    recordProperty('same published text hashes the same');
  });
});

describe('normaliseText against the line-by-line reference', () => {
  /** The former implementation, kept as the reference (its per-line `/[ \t]+$/` was quadratic on long blank runs). */
  function reference(text: string): string {
    const lines = text
      .replace(/\r\n?/g, '\n')
      .replace(/[\ufeff\u200b\u2060]/g, '')
      .replace(/[\u00a0\u202f]/g, ' ')
      .normalize('NFC')
      .split('\n')
      .map((line) => line.replace(/[ \t]+$/, ''));
    const out: string[] = [];
    for (const line of lines) {
      if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
      out.push(line);
    }
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out.length === 0 ? '' : `${out.join('\n')}\n`;
  }

  it('gives the same text (property)', () => {
    const pieces = fc.constantFrom('a', ' ', '\t', '\n', '\r', '\r\n', '\u00a0', '\u200b', 'e\u0301', '#');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expect(normaliseText(text)).toBe(reference(text));
      }),
      { numRuns: 2_000 },
    );
    recordProperty('normaliseText matches its line-by-line reference');
  });

  it('trims a 5 MiB run of blanks before text in linear time', () => {
    const started = performance.now();
    expect(normaliseText(`${' '.repeat(5 * 1024 * 1024)}x \n`)).toBe(`${' '.repeat(5 * 1024 * 1024)}x\n`);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

import fc from 'fast-check';
import { parse } from 'node-html-parser';
import TurndownService from 'turndown';
import { describe, expect, it } from 'vitest';

import { normaliseText } from '../../shared/notices';
import { extractHtmlNotice, extractHtmlNoticeInSlices, HTML_LIMITS } from '../../shared/notices/html-notice';
import { measureHtmlShape } from '../../shared/notices/html-shape';
import { recordHostileInput, recordProperty } from '../support/reliability-tally';

const page = (body: string) => `<html><head><title>Notice</title></head><body><main>${body}</main></body></html>`;

function bodyOf(html: string, sliceChars?: number): string {
  const result = extractHtmlNotice(html, undefined, 'https://notices.example/privacy', { sliceChars });
  if (!result.ok) throw new Error(`${result.problem.code}: ${result.problem.message}`);
  return result.value.body;
}

function problemOf(html: string) {
  const result = extractHtmlNotice(html, undefined, 'https://notices.example/privacy');
  if (result.ok) throw new Error('expected a problem');
  return result.problem;
}

describe('HTML nesting and size limits', () => {
  it('refuses 20,000 nested <div> with HTML_TOO_DEEP instead of overflowing the stack', () => {
    const started = performance.now();
    const problem = problemOf(page(`${'<div>'.repeat(20_000)}deep text${'</div>'.repeat(20_000)}`));
    expect(problem.code).toBe('HTML_TOO_DEEP');
    expect(problem.message).toMatch(/nests HTML elements \d+ levels deep \(at most 256/);
    expect(performance.now() - started).toBeLessThan(5_000);
    recordHostileInput('20,000 nested <div>');
  });

  it('converts nesting a real page could have, and refuses just past the limit', () => {
    const nested = (levels: number) => page(`${'<div>'.repeat(levels)}Deep text${'</div>'.repeat(levels)}`);
    expect(bodyOf(nested(200))).toBe('Deep text');
    expect(problemOf(nested(HTML_LIMITS.maxDepth + 10)).code).toBe('HTML_TOO_DEEP');
  });

  it('refuses thousands of unclosed nested elements before the parser tidies them (quadratic)', () => {
    const problem = problemOf(page('<div><span>x</div>'.repeat(5_000)));
    expect(problem.code).toBe('HTML_TOO_COMPLEX');
    expect(problem.message).toMatch(/leaves \d+ HTML elements open/);
    // A sloppy page with some unclosed inline elements is fine.
    expect(bodyOf(page('<p><span>Unclosed span</p>'.repeat(50)))).toContain('Unclosed span');
    recordHostileInput('thousands of unclosed nested elements');
  });

  it('refuses a page of tens of thousands of <script> elements (the parser lower-cases the page for each)', () => {
    expect(problemOf(page('<script></script>'.repeat(60_000))).code).toBe('HTML_TOO_COMPLEX');
    expect(bodyOf(page(`${'<script>var a = 1;</script>'.repeat(40)}<p>Policy text</p>`))).toBe('Policy text');
    recordHostileInput('tens of thousands of <script> elements');
  });

  it('refuses a tag whose attribute list overflows the parser, with a clear code', () => {
    expect(problemOf(page(`<p${' a'.repeat(2_000_000)}>x</p>`)).code).toBe('HTML_TOO_COMPLEX');
    recordHostileInput('a tag with millions of attributes');
  });

  it('refuses one block too large to convert in one piece, and a run of inline content as large', () => {
    expect(problemOf(page(`<p>a${'<br>'.repeat(60_000)}x</p>`)).message).toMatch(
      /one block of \d+ characters and \d+ elements/,
    );
    expect(problemOf(page(`<div>${'<span>x</span>'.repeat(60_000)}</div>`)).message).toMatch(/one block of/);
    expect(problemOf(page('<br>'.repeat(300_000))).message).toMatch(/300\d+ HTML elements \(at most 200000/);
  });

  it('keeps long runs of whitespace exactly, without the quadratic cost in turndown', () => {
    const started = performance.now();
    expect(bodyOf(page(`<pre>a${' '.repeat(200_000)}b</pre>`))).toBe(`a${' '.repeat(200_000)}b`);
    expect(bodyOf(page(`<p>a${'&nbsp;'.repeat(100_000)}b</p>`))).toBe(`a${'\u00a0'.repeat(100_000)}b`);
    expect(bodyOf(page(`<p>a${'<br>'.repeat(5_000)}b</p>`))).toBe(`a${'  \n'.repeat(5_000)}b`);
    expect(performance.now() - started).toBeLessThan(10_000);
    recordHostileInput('long whitespace runs in <pre>, &nbsp; and <br>');
  });

  it('pads inline code as turndown does, without its quadratic pattern', () => {
    const plain = new TurndownService();
    for (const code of [' a', ' a ', 'a ', '`a', 'a`', '  ', ' a b ', ' \u2028a ', ' \u2028a\u2029 ', '`']) {
      const html = `<p>x <code>${code}</code> y</p>`;
      expect(bodyOf(page(html)), JSON.stringify(code)).toBe(plain.turndown(html));
    }
    const started = performance.now();
    bodyOf(page(`<p><code> ${'a'.repeat(500_000)}</code></p>`));
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  // Compared as the snapshot stores them (normalised): a slice drops the blanks at its edges, and
  // normalising drops them from the text in one piece too.
  it('converts a page cut into slices to the same snapshot text as in one piece (property)', () => {
    // Pages nest as HTML allows: inline elements hold inline content, paragraphs and headings hold
    // inline content, lists hold items. Where blocks sit inside inline elements or paragraphs
    // (`<p><h2>`, `<b><li>`), turndown's one-piece output runs two blocks together and a cut after
    // the outer block puts a blank line between them: a known difference in whitespace only.
    const text = fc.constantFrom(
      'word',
      ' ',
      '\n  ',
      '&nbsp;',
      'Some text.',
      '*',
      '_',
      '# x',
      '1. y',
      '&lt;b&gt;',
      '`',
    );
    const inlineTag = fc.constantFrom('span', 'b', 'em', 'a');
    const inline: fc.Memo<string> = fc.memo((depth) =>
      depth <= 1
        ? text
        : fc.oneof(
            text,
            fc.constantFrom('<br>', '<img src="/i.png" alt="i">'),
            fc
              .tuple(inlineTag, fc.array(inline(depth - 1), { maxLength: 4 }))
              .map(([name, children]) => `<${name}${name === 'a' ? ' href="/x"' : ''}>${children.join('')}</${name}>`),
          ),
    );
    const node: fc.Memo<string> = fc.memo((depth) =>
      depth <= 1
        ? inline(1)
        : fc.oneof(
            inline(depth - 1),
            fc.constant('<hr>'),
            fc
              .tuple(fc.constantFrom('p', 'h2'), fc.array(inline(depth - 1), { maxLength: 4 }))
              .map(([name, children]) => `<${name}>${children.join('')}</${name}>`),
            fc
              .tuple(fc.constantFrom('ul', 'ol'), fc.array(node(depth - 1), { minLength: 1, maxLength: 3 }))
              .map(([name, items]) => `<${name}>${items.map((item) => `<li>${item}</li>`).join('')}</${name}>`),
            fc
              .tuple(fc.constantFrom('div', 'section', 'article'), fc.array(node(depth - 1), { maxLength: 4 }))
              .map(([name, children]) => `<${name}>${children.join('')}</${name}>`),
          ),
    );
    fc.assert(
      fc.property(fc.array(node(5), { minLength: 1, maxLength: 8 }), (children) => {
        const html = page(`<div>${children.join('\n')}</div>`);
        expect(normaliseText(bodyOf(html, 1))).toBe(normaliseText(bodyOf(html, Number.MAX_SAFE_INTEGER)));
      }),
      { numRuns: 2_000 },
    );
    recordProperty('HTML converted in slices equals HTML converted in one piece');
  });

  it('lets the event loop run between slices, and stops when asked to', async () => {
    const html = page(`<div>${'<p>Some words of the notice, again and again.</p>'.repeat(20_000)}</div>`);
    let pauses = 0;
    const sliced = await extractHtmlNoticeInSlices(html, undefined, 'the notice', async () => {
      pauses++;
      return null;
    });
    expect(sliced.ok && sliced.value.body).toBe(bodyOf(html));
    expect(pauses).toBeGreaterThan(5);
    const stopped = await extractHtmlNoticeInSlices(html, undefined, 'the notice', async () => ({
      code: 'CANCELLED',
      message: 'stop',
    }));
    expect(stopped.ok ? null : stopped.problem.code).toBe('CANCELLED');
  });
});

describe('measureHtmlShape', () => {
  it('says a page leaves elements open exactly when node-html-parser does (property)', () => {
    const piece = fc.constantFrom(
      ...[
        'div',
        'p',
        'span',
        'b',
        'a',
        'ul',
        'li',
        'table',
        'tr',
        'td',
        'tbody',
        'dl',
        'dt',
        'dd',
        'script',
        'pre',
        'br',
        'DIV',
      ].flatMap((name) => [`<${name}>`, `</${name}>`, `<${name}/>`]),
      'x',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const html = pieces.join('');
        const valid = parse.valid(html, {
          lowerCaseTagName: true,
          comment: false,
          blockTextElements: { script: true, noscript: true, style: true, pre: true },
        });
        expect(measureHtmlShape(html).unclosed === 0).toBe(valid);
      }),
      { numRuns: 3_000 },
    );
    recordProperty('the HTML shape scan agrees with node-html-parser on unclosed elements');
  });
});

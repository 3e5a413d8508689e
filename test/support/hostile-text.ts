/** Largest body the fetcher accepts is 5 MiB: hostile bodies at the cap leave room for an HTML page's frame. */
export const AT_THE_CAP = 5 * 1024 * 1024 - 1024;

/**
 * Bodies built to make text processing slow: each repeats a unit that a naive regular expression,
 * parser or converter retries, copies or recurses on. `make(n)` returns about n characters.
 */

/** `unit` repeated to exactly n characters. */
export function fill(unit: string, n: number): string {
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

/** `block(i)` repeated while the text stays within n characters (at least once). */
function blocks(n: number, block: (index: number) => string): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; ; i++) {
    const part = block(i);
    if (parts.length > 0 && length + part.length > n) break;
    parts.push(part);
    length += part.length;
  }
  return parts.join('');
}

export interface HostileShape {
  readonly name: string;
  readonly format: 'markdown' | 'html';
  readonly make: (n: number) => string;
}

type Maker = { name: string; make: (n: number) => string };
const shapes = (format: HostileShape['format'], makers: Maker[]): HostileShape[] =>
  makers.map((maker) => ({ ...maker, format }));

export const HOSTILE_MARKDOWN: readonly HostileShape[] = shapes('markdown', [
  { name: 'link openers `[a](`', make: (n) => fill('[a](', n) },
  { name: 'image openers `![a](`', make: (n) => fill('![a](', n) },
  { name: 'unclosed `<`', make: (n) => fill('<', n) },
  { name: 'unclosed tags `<a `', make: (n) => fill('<a ', n) },
  { name: 'closed links `[a](b)`', make: (n) => fill('[a](b) ', n) },
  { name: 'one line of spaces then text', make: (n) => `${fill(' ', n - 1)}x` },
  { name: 'one line of tabs and spaces then text', make: (n) => `a${fill('\t ', n - 2)}x` },
  { name: 'ATX heading with a long blank run before `#`', make: (n) => `# a${fill(' ', n - 5)}#x` },
  { name: 'ATX heading of unclosed strong `**x `', make: (n) => `# ${fill('**x ', n - 2)}` },
  { name: 'ATX heading of unclosed emphasis `_x `', make: (n) => `# ${fill('_x ', n - 2)}` },
  {
    name: 'a long heading over many subheadings',
    make: (n) => `# ${fill('x', Math.floor(n / 4))}\n${fill('## a\n', n - Math.floor(n / 4) - 3)}`,
  },
  { name: 'setext heading of a huge paragraph', make: (n) => `${fill('**x _y [a](\n', n - 4)}\n===` },
  { name: 'opening brackets `[`', make: (n) => fill('[', n) },
  { name: 'a line of `*`', make: (n) => fill('*', n) },
  { name: 'bare URL', make: (n) => `http://${fill('a', n - 7)}` },
  { name: 'blank lines', make: (n) => `a${fill('\n', n - 2)}b` },
  { name: 'carriage returns', make: (n) => fill('\r', n) },
  { name: 'fence lines', make: (n) => fill('```\n', n) },
  { name: 'front matter of flow brackets', make: (n) => `---\na: ${fill('[', n - 16)}\n---\nbody\n` },
  { name: 'front matter never closed', make: (n) => `---\n${fill('a: b\n', n - 4)}` },
  {
    name: 'long policy-like text',
    make: (n) => fill('We collect personal data and share it with third parties. ', n),
  },
]);

const page = (body: string): string => `<html><head><title>T</title></head><body><main>${body}</main></body></html>`;

/** Converted (cut into slices): hostile content spread over many blocks. */
export const HOSTILE_HTML_CONVERTED: readonly HostileShape[] = shapes('html', [
  { name: 'paragraphs', make: (n) => page(blocks(n, (i) => `<p>Paragraph ${i}: ${fill('some words ', 160)}</p>\n`)) },
  {
    name: '<pre> of half a megabyte of spaces',
    make: (n) => page(blocks(n, () => `<pre>${fill(' ', 512 * 1024)}x</pre>`)),
  },
  { name: '&nbsp; runs', make: (n) => page(blocks(n, () => `<p>a${fill('&nbsp;', 60_000)}x</p>`)) },
  {
    name: '<br> runs',
    make: (n) => page(blocks(n, () => `<p>${fill('word ', 5_000)}${fill('<br>', 400)}x</p>`)),
  },
  {
    name: 'inline code starting with a space',
    make: (n) => page(blocks(n, () => `<p><code> ${fill('a', 64_000)}</code></p>`)),
  },
  { name: 'text of `<`', make: (n) => page(blocks(n, () => `<p>${fill('< ', 64_000)}</p>`)) },
  {
    name: 'nested sections',
    make: (n) =>
      page(
        blocks(
          n,
          (i) => `<section><div><article><h2>Part ${i}</h2><p>${fill('text ', 2_000)}</p></article></div></section>`,
        ),
      ),
  },
]);

/** Refused with HTML_TOO_DEEP or HTML_TOO_COMPLEX, after a linear scan. */
export const HOSTILE_HTML_REFUSED: readonly HostileShape[] = shapes('html', [
  {
    name: '20,000 nested <div>',
    make: (n) => page(`${'<div>'.repeat(20_000)}x${'</div>'.repeat(20_000)}<p>${fill('padding ', n - 220_000)}</p>`),
  },
  { name: 'unclosed <div>', make: (n) => page(fill('<div>x', n)) },
  { name: 'misnested <div><span></div>', make: (n) => page(fill('<div><span></div>', n)) },
  { name: 'empty <script> elements', make: (n) => page(fill('<script></script>', n)) },
  { name: 'a tag with a huge attribute list', make: (n) => page(`<p${fill(' a', n)}>x</p>`) },
  { name: 'one <pre> of spaces', make: (n) => page(`<pre>${fill(' ', n)}x</pre>`) },
  { name: 'a million <br> in one paragraph', make: (n) => page(`<p>a${fill('<br>', n)}x</p>`) },
  { name: 'unclosed comment', make: (n) => page(`<!--${fill('x', n)}`) },
]);

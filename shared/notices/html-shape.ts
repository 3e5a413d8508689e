/**
 * A linear scan of an HTML page that predicts what parsing it with node-html-parser would cost,
 * before it does. The parser is fine on real pages but not on hostile ones:
 * - it tidies the elements still open at the end by moving their children up one level at a time,
 *   which is quadratic in how many of them nest (`<div><span></div>` repeated);
 * - it lower-cases the whole page once per `<script>`, `<style>`, `<noscript>` or `<pre>` element
 *   to find where its text ends (`<script></script>` repeated);
 * - it spends a few microseconds on every element, in one piece of synchronous work.
 *
 * The scan keeps node-html-parser's stack of open elements with the same rules for implied ends
 * (copied from its tables), so the depth it reports is the parser's; tags are found a little more
 * simply than the parser does (a `>` inside a quoted attribute ends the tag here), which can only
 * change the figures on pages that are not real notices anyway.
 */

export interface HtmlShape {
  /** Opening tags: the parser builds one object per element, a few microseconds each. */
  elements: number;
  /** The most attributes (space-separated words) in one tag: the parser's tag pattern overflows on tens of thousands. */
  maxAttributes: number;
  /** Elements still open at the end of the page, nested in one another, that the parser must tidy. */
  unclosed: number;
  /** `<script>`, `<style>`, `<noscript>` and `<pre>` elements: each costs the parser one pass over the page. */
  rawTextElements: number;
}

/** Elements whose opening implicitly closes the open element (key: open element, value: opening tags). */
const CLOSED_BY_OPENING: Record<string, ReadonlySet<string>> = tables({
  li: ['li'],
  p: ['p', 'div'],
  b: ['div'],
  td: ['td', 'th', 'tr', 'tbody', 'tfoot'],
  th: ['td', 'th', 'tr', 'tbody', 'tfoot'],
  tr: ['tr', 'tbody', 'tfoot'],
  thead: ['tbody', 'tfoot'],
  tbody: ['tbody', 'tfoot'],
  h1: ['h1'],
  h2: ['h2'],
  h3: ['h3'],
  h4: ['h4'],
  h5: ['h5'],
  h6: ['h6'],
  dt: ['dt', 'dd'],
  dd: ['dt', 'dd'],
});

/** Elements that a closing tag of another element implicitly closes. */
const CLOSED_BY_CLOSING: Record<string, ReadonlySet<string>> = tables({
  li: ['ul', 'ol'],
  a: ['div'],
  b: ['div'],
  i: ['div'],
  p: ['div'],
  td: ['tr', 'table', 'thead', 'tbody', 'tfoot'],
  th: ['tr', 'table', 'thead', 'tbody', 'tfoot'],
  tr: ['table', 'thead', 'tbody', 'tfoot'],
  tbody: ['table'],
  tfoot: ['table'],
  dt: ['dl', 'body', 'html'],
  dd: ['dl', 'body', 'html'],
});

/** A `<p>` is closed by the closing tag of its container, except these. */
const P_NOT_CLOSED_BY: ReadonlySet<string> = new Set(['a', 'audio', 'del', 'ins', 'map', 'noscript', 'video']);

const VOID_ELEMENTS: ReadonlySet<string> = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

/** Elements whose content node-html-parser keeps as raw text up to their closing tag. */
const RAW_TEXT_ELEMENTS: ReadonlySet<string> = new Set(['script', 'style', 'noscript', 'pre']);

function tables(entries: Record<string, string[]>): Record<string, ReadonlySet<string>> {
  const out: Record<string, ReadonlySet<string>> = Object.create(null);
  for (const [key, values] of Object.entries(entries)) out[key] = new Set(values);
  return out;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

function isAsciiLetter(code: number): boolean {
  return (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a;
}

/** Characters of a tag name after its first letter (a superset of what the parser accepts). */
function isNameChar(code: number): boolean {
  return !(
    code === 0x3e /* > */ ||
    code === 0x2f /* / */ ||
    code === 0x20 ||
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0c ||
    code === 0x0d ||
    Number.isNaN(code)
  );
}

export function measureHtmlShape(html: string): HtmlShape {
  // ASCII-only lower-casing keeps every index where it was (toLowerCase can lengthen a string).
  const lower = html.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  const stack: string[] = [];
  let rawTextElements = 0;
  let elements = 0;
  let maxAttributes = 0;
  // Where the next `>` and `-->` are: searched for again only once passed, so the scan stays linear.
  let nextClose = -2;
  let nextCommentEnd = -2;
  const closeAt = (from: number): number => {
    if (nextClose !== -1 && nextClose < from) nextClose = html.indexOf('>', from);
    return nextClose;
  };
  const commentEndAt = (from: number): number => {
    if (nextCommentEnd !== -1 && nextCommentEnd < from) nextCommentEnd = html.indexOf('-->', from);
    return nextCommentEnd;
  };

  const open = (name: string, selfClosing: boolean): void => {
    if (!selfClosing) {
      while (stack.length > 0 && CLOSED_BY_OPENING[stack[stack.length - 1]]?.has(name)) stack.pop();
    }
    stack.push(name);
    if (selfClosing || VOID_ELEMENTS.has(name)) close(name);
  };
  const close = (name: string): void => {
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === name) {
        stack.pop();
        return;
      }
      if (CLOSED_BY_CLOSING[top]?.has(name)) {
        stack.pop();
        continue;
      }
      if (top === 'p' && stack.length > 1 && stack[stack.length - 2] === name && !P_NOT_CLOSED_BY.has(name)) {
        stack.pop();
        continue;
      }
      return;
    }
  };

  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    let end = -1;
    if (html.startsWith('!--', lt + 1)) {
      const commentEnd = commentEndAt(lt + 4);
      if (commentEnd >= 0) end = commentEnd + 3;
    } else {
      const closing = html.charCodeAt(lt + 1) === 0x2f;
      const nameStart = closing ? lt + 2 : lt + 1;
      const tagEnd = isAsciiLetter(html.charCodeAt(nameStart)) ? closeAt(nameStart) : -1;
      if (tagEnd >= 0) {
        let nameEnd = nameStart + 1;
        while (nameEnd < tagEnd && isNameChar(html.charCodeAt(nameEnd))) nameEnd++;
        const name = lower.slice(nameStart, nameEnd);
        end = tagEnd + 1;
        let attributes = 0;
        for (let k = nameEnd; k < tagEnd; k++) {
          if (isSpace(html.charCodeAt(k)) && k + 1 < tagEnd && !isSpace(html.charCodeAt(k + 1))) attributes++;
        }
        if (attributes > maxAttributes) maxAttributes = attributes;
        if (closing) {
          close(name);
        } else {
          elements++;
          const selfClosing = html.charCodeAt(tagEnd - 1) === 0x2f;
          open(name, selfClosing);
          if (RAW_TEXT_ELEMENTS.has(name)) {
            // The parser looks for the end of its text even when the tag closes itself.
            rawTextElements++;
            const closeTag = lower.indexOf(`</${name}>`, end);
            // Without a closing tag the element stays open to the end of the page, as in the parser.
            if (!selfClosing && closeTag >= 0) stack.pop();
            end = closeTag < 0 ? html.length : closeTag + name.length + 3;
          }
        }
      }
    }
    i = end >= 0 ? end : lt + 1;
  }
  return { elements, maxAttributes, unclosed: stack.length, rawTextElements };
}

import { createDocument } from '@mixmark-io/domino';
import { type HTMLElement, type Node as ParsedNode, parse } from 'node-html-parser';
import TurndownService from 'turndown';

import { fail, ok, type Problem, type Result } from '../common/result';
import { isJsWhitespace } from '../common/text-scan';
import { measureHtmlShape } from './html-shape';

/** Page chrome and active content that is never part of a notice's text. */
const DROPPED_ELEMENTS = 'script, style, noscript, template, nav, button, svg, iframe, object, embed, canvas, form';

/** Used when a notice has no selector: the usual article containers, then the whole body. */
const DEFAULT_SELECTORS = ['main', 'article', '[role="main"]', 'body'];

/**
 * Head metadata copied into the snapshot, in this order. A short whitelist of editorial fields;
 * anything volatile (request ids, build hashes, CSRF tokens, timestamps of rendering) stays out,
 * or every fetch would look like drift.
 */
const HEAD_FIELDS: ReadonlyArray<{ key: string; meta: string | null }> = [
  { key: 'title', meta: null },
  { key: 'description', meta: 'description' },
  { key: 'ms.date', meta: 'ms.date' },
  { key: 'author', meta: 'author' },
  { key: 'ms.author', meta: 'ms.author' },
  { key: 'ms.service', meta: 'ms.service' },
  { key: 'ms.topic', meta: 'ms.topic' },
];

export interface HtmlNotice {
  /** The head metadata as YAML front matter text (one `key: "value"` line each), null when none. */
  frontMatterText: string | null;
  metadata: Record<string, string>;
  /** The selected region as markdown. */
  body: string;
}

/**
 * Bounds on what an HTML page may cost to convert, checked by a linear scan before parsing
 * (html-shape.ts). Real pages are far inside them: notice regions nest 10 to 40 elements deep.
 */
export const HTML_LIMITS = Object.freeze({
  /** Deeper nesting is refused (HTML_TOO_DEEP): turndown recurses once per level, and 2,000 levels overflow the stack. */
  maxDepth: 256,
  /** Elements in the page: node-html-parser builds them all in one piece of synchronous work. */
  maxElements: 200_000,
  /** Attributes in one tag: node-html-parser's tag pattern overflows its stack on tens of thousands. */
  maxAttributes: 1_000,
  /** Elements left open at the end and nested in one another: node-html-parser's tidying is quadratic in them. */
  maxUnclosed: 2_000,
  /**
   * Raw-text elements (`<script>`, `<style>`, `<noscript>`, `<pre>`) times the page's length:
   * node-html-parser lower-cases the whole page once for each of them.
   */
  maxRawTextScan: 400_000_000,
  /** Sum over the region's text of its nesting depth: turndown copies an element's text at every level above it. */
  maxNestedText: 128_000_000,
  /**
   * One block that cannot be cut into slices (a paragraph, a list, a table) may hold at most this
   * much HTML and this many elements: converting it is one piece of synchronous work.
   */
  maxBlockChars: 1024 * 1024,
  maxBlockElements: 50_000,
});

/**
 * The converted region is cut into slices of about this many characters of HTML, so that the
 * caller can let the event loop run between them (a 5 MiB page takes seconds to convert).
 */
const SLICE_CHARS = 128 * 1024;

/** Runs of whitespace longer than this get a marker (see markWhitespaceRuns). */
const MAX_WHITESPACE_RUN = 64;

export interface ExtractionOptions {
  /** Slice size in characters of HTML (default 128 KiB); tests set it small to cut everywhere. */
  readonly sliceChars?: number;
}

/**
 * Extracts the notice from an HTML page: the `selector` region (or a default container),
 * without chrome and scripts, as markdown, plus whitelisted head metadata.
 * SELECTOR_NOT_FOUND when the region is missing: usually an error or consent page, not the notice.
 * HTML_TOO_DEEP / HTML_TOO_COMPLEX for pages that would take the converters far too long.
 */
export function extractHtmlNotice(
  html: string,
  selector: string | undefined,
  source: string,
  options: ExtractionOptions = {},
): Result<HtmlNotice> {
  const steps = extractionSteps(html, selector, source, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same extraction, handing the event loop back (`pause`) between slices of work, so the timers
 * that hold a run to its deadlines still fire while a large page is converted. `pause` may return
 * a problem (the run gave up on this notice) to stop there.
 */
export async function extractHtmlNoticeInSlices(
  html: string,
  selector: string | undefined,
  source: string,
  pause: () => Promise<Problem | null>,
  options: ExtractionOptions = {},
): Promise<Result<HtmlNotice>> {
  const steps = extractionSteps(html, selector, source, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    const stop = await pause();
    if (stop) return fail(stop.code, stop.message);
  }
}

/** The extraction as a generator: each `yield` ends one slice of work. */
function* extractionSteps(
  html: string,
  selector: string | undefined,
  source: string,
  options: ExtractionOptions,
): Generator<void, Result<HtmlNotice>, void> {
  const tooCostly = pageProblem(html, source);
  if (tooCostly) return fail(tooCostly.code, tooCostly.message);
  yield;

  let root: HTMLElement;
  try {
    root = parse(html, {
      comment: false,
      lowerCaseTagName: true,
      blockTextElements: { script: true, noscript: true, style: true, pre: true },
    });
  } catch (error) {
    // The parser's tag pattern overflows the regular expression stack on a tag with a huge attribute list.
    if (error instanceof RangeError) {
      return fail(
        'HTML_TOO_COMPLEX',
        `${source} could not be parsed as HTML (${error.message}); this is not a readable notice page.`,
      );
    }
    throw error;
  }
  yield;

  let region: HTMLElement | null = null;
  if (selector !== undefined && selector.trim() !== '') {
    try {
      region = root.querySelector(selector);
    } catch (error) {
      return fail(
        'SELECTOR_INVALID',
        `The selector "${selector}" for ${source} is not a valid CSS selector: ${error instanceof Error ? error.message : String(error)}.`,
      );
    }
    if (!region) {
      return fail(
        'SELECTOR_NOT_FOUND',
        `${source} has no element matching "${selector}"; the page is probably an error or consent page, or the site's layout changed.`,
      );
    }
  } else {
    for (const candidate of DEFAULT_SELECTORS) {
      region = root.querySelector(candidate);
      if (region) break;
    }
    // A fragment without <body> (node-html-parser does not add one): use the whole document.
    region ??= root;
  }

  for (const element of region.querySelectorAll(DROPPED_ELEMENTS)) element.remove();
  const tooDeep = regionProblem(region, source);
  if (tooDeep) return fail(tooDeep.code, tooDeep.message);

  const metadata = headMetadata(root);
  const keys = Object.keys(metadata);
  // JSON string syntax is valid YAML for a double-quoted scalar, and escapes everything odd.
  const frontMatterText =
    keys.length === 0 ? null : keys.map((key) => `${key}: ${JSON.stringify(metadata[key])}`).join('\n') + '\n';
  yield;

  // The same document turndown would build from the region's HTML, parsed once; the slices are
  // cut from it, so that cutting never changes how the HTML is read.
  const regionHtml = region.toString();
  const parsed = createDocument(`<x-turndown id="turndown-root">${regionHtml}</x-turndown>`);
  const top = parsed.getElementById('turndown-root') as unknown as DomNode;
  yield;
  const depth = domDepth(top);
  if (depth > HTML_LIMITS.maxDepth) {
    return fail(
      'HTML_TOO_DEEP',
      `${source} nests HTML elements ${depth} levels deep once parsed (at most ${HTML_LIMITS.maxDepth} are converted); this is not a readable notice page.`,
    );
  }
  const marker = markWhitespaceRuns(top, regionHtml);
  if (marker === undefined) {
    return fail(
      'HTML_TOO_COMPLEX',
      `${source} holds long runs of whitespace and every private-use character, so it cannot be converted safely; this is not a readable notice page.`,
    );
  }
  yield;

  const service = markdownService();
  const parts: string[] = [];
  for (const slice of domSlices(top, source, options.sliceChars ?? SLICE_CHARS)) {
    if (!slice.ok) return slice;
    const wrapper = top.ownerDocument.createElement('x-turndown');
    for (const node of slice.value) wrapper.appendChild(node);
    const markdown = toMarkdown(service, wrapper);
    if (!markdown.ok) return markdown;
    const text = marker === null ? markdown.value : markdown.value.split(marker).join('');
    if (text !== '') parts.push(text);
    yield;
  }
  return ok({ frontMatterText, metadata, body: parts.join('\n\n') });
}

/** Refuses, before parsing, a page that node-html-parser would take far too long to parse. */
function pageProblem(html: string, source: string): Problem | null {
  const shape = measureHtmlShape(html);
  if (shape.elements > HTML_LIMITS.maxElements) {
    return {
      code: 'HTML_TOO_COMPLEX',
      message: `${source} has ${shape.elements} HTML elements (at most ${HTML_LIMITS.maxElements} are parsed); this is not a readable notice page.`,
    };
  }
  if (shape.maxAttributes > HTML_LIMITS.maxAttributes) {
    return {
      code: 'HTML_TOO_COMPLEX',
      message: `${source} has a tag with ${shape.maxAttributes} attributes (at most ${HTML_LIMITS.maxAttributes} are parsed); this is not a readable notice page.`,
    };
  }
  if (shape.unclosed > HTML_LIMITS.maxUnclosed) {
    return {
      code: 'HTML_TOO_COMPLEX',
      message: `${source} leaves ${shape.unclosed} HTML elements open inside one another (at most ${HTML_LIMITS.maxUnclosed} are tidied); this is not a readable notice page.`,
    };
  }
  if (shape.rawTextElements * html.length > HTML_LIMITS.maxRawTextScan) {
    return {
      code: 'HTML_TOO_COMPLEX',
      message: `${source} has ${shape.rawTextElements} script, style, noscript and pre elements in ${html.length} characters, too many to parse in reasonable time; this is not a readable notice page.`,
    };
  }
  return null;
}

/** Refuses a region that turndown would overflow its stack on, or take far too long to convert. */
function regionProblem(region: HTMLElement, source: string): Problem | null {
  let depth = 0;
  let nestedText = 0;
  const pending: Array<[ParsedNode, number]> = [[region, 1]];
  while (pending.length > 0) {
    const [node, level] = pending.pop() as [ParsedNode, number];
    if (level > depth) depth = level;
    if (!isElement(node)) nestedText += node.rawText.length * level;
    for (const child of node.childNodes) pending.push([child, level + 1]);
  }
  if (depth > HTML_LIMITS.maxDepth) {
    return {
      code: 'HTML_TOO_DEEP',
      message: `${source} nests HTML elements ${depth} levels deep (at most ${HTML_LIMITS.maxDepth} are converted); this is not a readable notice page.`,
    };
  }
  if (nestedText > HTML_LIMITS.maxNestedText) {
    return {
      code: 'HTML_TOO_COMPLEX',
      message: `${source} holds so much text so deeply nested (${nestedText} characters times depth, at most ${HTML_LIMITS.maxNestedText}) that converting it would take too long; this is not a readable notice page.`,
    };
  }
  return null;
}

function headMetadata(root: HTMLElement): Record<string, string> {
  const metas = root.querySelectorAll('meta[name]');
  const out: Record<string, string> = {};
  for (const field of HEAD_FIELDS) {
    let value: string | undefined;
    if (field.meta === null) {
      value = root.querySelector('title')?.text;
    } else {
      const wanted = field.meta;
      value = metas.find((meta) => meta.getAttribute('name')?.toLowerCase() === wanted)?.getAttribute('content');
    }
    const cleaned = value?.replace(/\s+/g, ' ').trim();
    if (cleaned) out[field.key] = cleaned;
  }
  return out;
}

function markdownService(): TurndownService {
  const service = new TurndownService({
    headingStyle: 'atx',
    bulletListMarker: '-',
    codeBlockStyle: 'fenced',
    fence: '```',
    emDelimiter: '_',
    strongDelimiter: '**',
  });
  service.remove(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed'] as TurndownService.Filter);
  // Text like "&lt;script&gt;" decodes to "<script>": escape "<" before a tag-like character so the
  // snapshot never carries live markup when a report renders it as markdown.
  const escapeMarkdown = service.escape.bind(service);
  service.escape = (text: string) => escapeMarkdown(text).replace(/<(?=[A-Za-z/!?])/g, '\\<');
  // turndown's own rule for inline code, with its padding test /^`|^ .*?[^ ].* $|`$/ (quadratic on
  // a long code span that starts with a space) replaced by a scan that decides the same.
  service.addRule('inlineCode', {
    filter: (node) => {
      const hasSiblings = node.previousSibling || node.nextSibling;
      const isCodeBlock = node.parentNode?.nodeName === 'PRE' && !hasSiblings;
      return node.nodeName === 'CODE' && !isCodeBlock;
    },
    replacement: (content) => {
      if (!content) return '';
      const code = content.replace(/\r?\n|\r/g, ' ');
      const padding = needsCodePadding(code) ? ' ' : '';
      let delimiter = '`';
      const runs: string[] = code.match(/`+/g) ?? [];
      while (runs.includes(delimiter)) delimiter += '`';
      return delimiter + padding + code + padding + delimiter;
    },
  });
  return service;
}

/** Whether `/^`|^ .*?[^ ].* $|`$/` matches `code`: a backtick at either end, or a space at both ends around something else. */
function needsCodePadding(code: string): boolean {
  if (code.startsWith('`') || code.endsWith('`')) return true;
  if (code.length < 3 || code[0] !== ' ' || code[code.length - 1] !== ' ') return false;
  // Between the two spaces: some non-space, and at most one line terminator (`.` matches none, `[^ ]` one).
  let nonSpace = false;
  let terminators = 0;
  for (let i = 1; i < code.length - 1; i++) {
    const unit = code.charCodeAt(i);
    if (unit !== 0x20) nonSpace = true;
    if (unit === 0x0a || unit === 0x0d || unit === 0x2028 || unit === 0x2029) terminators++;
  }
  return nonSpace && terminators <= 1;
}

/** Elements turndown renders as their content between blank lines (its default rule): their children convert alike one by one. */
const TRANSPARENT_ELEMENTS: ReadonlySet<string> = new Set([
  'ARTICLE',
  'ASIDE',
  'BODY',
  'CENTER',
  'DIV',
  'FOOTER',
  'HEADER',
  'HGROUP',
  'MAIN',
  'SECTION',
]);

/** Block elements whose markdown ends in a blank line whatever follows: a slice may end after one. */
const SLICE_BOUNDARY_ELEMENTS: ReadonlySet<string> = new Set([
  ...TRANSPARENT_ELEMENTS,
  'ADDRESS',
  'BLOCKQUOTE',
  'DL',
  'FIELDSET',
  'FIGURE',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HR',
  'OL',
  'P',
  'PRE',
  'TABLE',
  'UL',
]);

function isElement(node: ParsedNode): node is HTMLElement {
  return node.nodeType === 1;
}

/** The few DOM members of domino's nodes used here. */
interface DomNode {
  nodeType: number;
  nodeName: string;
  data: string;
  firstChild: DomNode | null;
  nextSibling: DomNode | null;
  parentNode: DomNode | null;
  ownerDocument: { createTextNode(data: string): DomNode; createElement(name: string): DomNode };
  insertBefore(node: DomNode, before: DomNode | null): DomNode;
  appendChild(node: DomNode): DomNode;
}

/** The next node in document order inside `root`, without recursion; null at the end. */
function nextInOrder(node: DomNode, root: DomNode, enter: boolean): DomNode | null {
  if (enter && node.firstChild !== null) return node.firstChild;
  let current: DomNode | null = node;
  while (current !== null && current !== root && current.nextSibling === null) current = current.parentNode;
  return current === null || current === root ? null : current.nextSibling;
}

function domDepth(root: DomNode): number {
  let deepest = 0;
  const levels = new Map<DomNode, number>([[root, 0]]);
  for (let node = nextInOrder(root, root, true); node !== null; node = nextInOrder(node, root, true)) {
    const level = (levels.get(node.parentNode as DomNode) ?? 0) + 1;
    if (node.firstChild !== null) levels.set(node, level);
    if (level > deepest) deepest = level;
  }
  return deepest;
}

interface NodeSize {
  /** Length of the node's text and an estimate of its tags. */
  chars: number;
  /** Elements in the node, itself included. */
  elements: number;
}

/** The size of every node under `root`, in one pass without recursion. */
function nodeSizes(root: DomNode): Map<DomNode, NodeSize> {
  const sizes = new Map<DomNode, NodeSize>();
  const order: DomNode[] = [];
  for (let node = nextInOrder(root, root, true); node !== null; node = nextInOrder(node, root, true)) order.push(node);
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    const size =
      node.nodeType === 1
        ? { chars: 2 * node.nodeName.length + 5, elements: 1 }
        : { chars: (node.data ?? '').length, elements: 0 };
    for (let child = node.firstChild; child !== null; child = child.nextSibling) {
      const childSize = sizes.get(child);
      if (childSize === undefined) continue;
      size.chars += childSize.chars;
      size.elements += childSize.elements;
    }
    sizes.set(node, size);
  }
  return sizes;
}

/**
 * The region's nodes in slices that convert to the same markdown one by one as together, joined
 * by a blank line. Only the children of large transparent containers (div, section, main...) are
 * split, and only after a block element, where turndown itself puts a blank line. A block too
 * large to convert in one go is HTML_TOO_COMPLEX.
 */
function* domSlices(root: DomNode, source: string, sliceChars: number): Generator<Result<DomNode[]>, void, void> {
  const sizes = nodeSizes(root);
  const sizeOf = (node: DomNode): NodeSize => sizes.get(node) ?? { chars: 0, elements: 0 };
  const splittable = (node: DomNode): boolean =>
    node.nodeType === 1 && TRANSPARENT_ELEMENTS.has(node.nodeName) && sizeOf(node).chars > sliceChars;
  const tooLarge = ({ chars, elements }: NodeSize): Result<DomNode[]> | null =>
    chars <= HTML_LIMITS.maxBlockChars && elements <= HTML_LIMITS.maxBlockElements
      ? null
      : fail(
          'HTML_TOO_COMPLEX',
          `${source} has one block of ${chars} characters and ${elements} elements that cannot be cut (at most ${HTML_LIMITS.maxBlockChars} and ${HTML_LIMITS.maxBlockElements} are converted in one piece); this is not a readable notice page.`,
        );
  let slice: DomNode[] = [];
  let size: NodeSize = { chars: 0, elements: 0 };
  // Children are listed before any is moved into a slice's wrapper, by walking the siblings:
  // asking domino for `childNodes` makes it keep an array that every later move splices (quadratic).
  const childrenOf = (node: DomNode): DomNode[] => {
    const children: DomNode[] = [];
    for (let child = node.firstChild; child !== null; child = child.nextSibling) children.push(child);
    return children;
  };
  const frames: Array<{ nodes: DomNode[]; next: number }> = [{ nodes: childrenOf(root), next: 0 }];
  while (frames.length > 0) {
    const frame = frames[frames.length - 1];
    const node: DomNode | undefined = frame.nodes[frame.next++];
    if ((node === undefined || splittable(node)) && slice.length > 0) {
      yield ok(slice);
      slice = [];
      size = { chars: 0, elements: 0 };
    }
    if (node === undefined) {
      frames.pop();
      continue;
    }
    if (splittable(node)) {
      frames.push({ nodes: childrenOf(node), next: 0 });
      continue;
    }
    const nodeSize = sizeOf(node);
    // A run of inline content between blocks is one piece of work too.
    const problem = tooLarge({ chars: size.chars + nodeSize.chars, elements: size.elements + nodeSize.elements });
    if (problem) {
      yield problem;
      return;
    }
    slice.push(node);
    size = { chars: size.chars + nodeSize.chars, elements: size.elements + nodeSize.elements };
    if (size.chars >= sliceChars && node.nodeType === 1 && SLICE_BOUNDARY_ELEMENTS.has(node.nodeName)) {
      yield ok(slice);
      slice = [];
      size = { chars: 0, elements: 0 };
    }
  }
}

function toMarkdown(service: TurndownService, wrapper: DomNode): Result<string> {
  // turndown clones a node it is given, and domino's clone refuses tag names its own parser
  // accepted (`<a<b>`); the tree is ours to spend, so it is handed over as is.
  Object.defineProperty(wrapper, 'cloneNode', { value: () => wrapper });
  try {
    return ok(service.turndown(wrapper as unknown as TurndownService.Node));
  } catch (error) {
    // The depth limits are checked before; this is the backstop should they be passed somehow.
    if (error instanceof RangeError) {
      return fail('HTML_TOO_DEEP', `The page nests HTML elements too deeply to convert (${error.message}).`);
    }
    throw error;
  }
}

/**
 * turndown runs `/[\t\r\n\s]+$/` over its output and similar patterns over element text: they take
 * time quadratic in the length of a run of whitespace (a `<pre>` of a million spaces, `&nbsp;` or
 * `<br>` repeated). A private-use character absent from the page is put into every run that
 * turndown would keep longer than MAX_WHITESPACE_RUN, then taken out of the markdown: the text is
 * unchanged and no run is long. Runs turndown collapses to one space (ASCII spaces, tabs and
 * newlines outside `<pre>`) count as one. Returns the marker, null when none was needed, or
 * undefined when the page leaves no private-use character free.
 */
function markWhitespaceRuns(root: DomNode, html: string): string | null | undefined {
  let marker: string | null | undefined = null;
  const markerText = (): string | undefined => {
    if (marker === null) marker = freePrivateUseCharacter(html);
    return marker;
  };
  let run = 0;
  let inAsciiRun = false;
  let preDepth = 0;
  let node: DomNode | null = root.firstChild;
  while (node !== null && node !== root) {
    if (node.nodeType === 3) {
      const text = node.data;
      let out: string[] | null = null;
      let copied = 0;
      for (let i = 0; i < text.length; i++) {
        const unit = text.charCodeAt(i);
        if (!isJsWhitespace(unit)) {
          run = 0;
          inAsciiRun = false;
          continue;
        }
        const collapsible = preDepth === 0 && (unit === 0x20 || unit === 0x09 || unit === 0x0a || unit === 0x0d);
        if (collapsible && inAsciiRun) continue;
        inAsciiRun = collapsible;
        run++;
        if (run > MAX_WHITESPACE_RUN && i > 0) {
          const mark = markerText();
          if (mark === undefined) return undefined;
          out ??= [];
          out.push(text.slice(copied, i), mark);
          copied = i;
          run = 1;
        }
      }
      if (out !== null) {
        out.push(text.slice(copied));
        node.data = out.join('');
      }
    } else if (node.nodeType === 1 && node.nodeName === 'BR') {
      // Each <br> becomes "  \n".
      run += 3;
      inAsciiRun = false;
      if (run > MAX_WHITESPACE_RUN) {
        const mark = markerText();
        if (mark === undefined) return undefined;
        node.parentNode?.insertBefore(node.ownerDocument.createTextNode(mark), node);
        run = 3;
      }
    }
    // Next node in document order, without recursion.
    if (node.nodeType === 1 && node.firstChild !== null) {
      if (node.nodeName === 'PRE') preDepth++;
      node = node.firstChild;
      continue;
    }
    while (node !== null && node !== root && node.nextSibling === null) {
      node = node.parentNode;
      if (node !== null && node.nodeName === 'PRE') preDepth--;
    }
    if (node === null || node === root) break;
    node = node.nextSibling;
  }
  return marker;
}

/** A character of the Private Use Area that does not occur in `text`, or undefined if every one does. */
function freePrivateUseCharacter(text: string): string | undefined {
  const first = 0xe000;
  const last = 0xf8ff;
  const seen = new Uint8Array(last - first + 1);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= first && unit <= last) seen[unit - first] = 1;
  }
  const free = seen.indexOf(0);
  return free < 0 ? undefined : String.fromCharCode(first + free);
}

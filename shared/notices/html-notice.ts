import { type HTMLElement, parse } from 'node-html-parser';
import TurndownService from 'turndown';

import { fail, ok, type Result } from '../common/result';

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
 * Extracts the notice from an HTML page: the `selector` region (or a default container),
 * without chrome and scripts, as markdown, plus whitelisted head metadata.
 * SELECTOR_NOT_FOUND when the region is missing: usually an error or consent page, not the notice.
 */
export function extractHtmlNotice(html: string, selector: string | undefined, source: string): Result<HtmlNotice> {
  const root = parse(html, {
    comment: false,
    lowerCaseTagName: true,
    blockTextElements: { script: true, noscript: true, style: true, pre: true },
  });

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

  const metadata = headMetadata(root);
  const keys = Object.keys(metadata);
  // JSON string syntax is valid YAML for a double-quoted scalar, and escapes everything odd.
  const frontMatterText =
    keys.length === 0 ? null : keys.map((key) => `${key}: ${JSON.stringify(metadata[key])}`).join('\n') + '\n';

  return ok({ frontMatterText, metadata, body: htmlToMarkdown(region.toString()) });
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

function htmlToMarkdown(html: string): string {
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
  return service.turndown(html);
}

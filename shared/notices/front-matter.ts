import matter from 'gray-matter';

import { toJsonData } from '../common/json-data';
import { fail, ok, type Result } from '../common/result';

export interface SplitFrontMatter {
  /** The YAML between the `---` lines exactly as published, or null when there is none. */
  frontMatterText: string | null;
  /** Parsed front matter, JSON-stable (dates as ISO strings); `{}` when none. */
  metadata: Record<string, unknown>;
  body: string;
}

/** Only YAML is parsed. gray-matter would otherwise `eval` a `---js` block from a fetched page. */
const refuse = (language: string) => (): object => {
  throw new Error(`front matter language "${language}" is not supported, only YAML`);
};
const ENGINES = {
  javascript: refuse('javascript'),
  js: refuse('js'),
  coffee: refuse('coffee'),
  coffeescript: refuse('coffeescript'),
  cson: refuse('cson'),
  json: refuse('json'),
  toml: refuse('toml'),
};

/** Protects against YAML alias bombs, which expand exponentially when copied into plain data. */
const MAX_METADATA_NODES = 10_000;

/**
 * Front matter longer than this is refused before the YAML parser sees it: real front matter is a
 * few kilobytes, and parsing megabytes of it is seconds of synchronous work.
 */
const MAX_FRONT_MATTER_CHARS = 256 * 1024;

/**
 * Splits markdown into front matter and body. The input's line endings should already be LF (BOM
 * stripped). A document opening with a `---` line is front matter, as in Jekyll and Microsoft
 * Docs; front matter that is not closed, is not valid YAML, or is not a key/value mapping is
 * FRONT_MATTER_INVALID. `source` names the document in messages.
 */
export function splitFrontMatter(text: string, source: string): Result<SplitFrontMatter> {
  if (!/^---[^\S\n]*(\n|$)/.test(text)) {
    return ok({ frontMatterText: null, metadata: {}, body: text });
  }
  const close = /\n---[^\S\n]*(\n|$)/.exec(text.slice(3));
  const emptyBlock = /^---[^\S\n]*\n---[^\S\n]*(\n|$)/.test(text);
  if (!close && !emptyBlock) {
    return fail(
      'FRONT_MATTER_INVALID',
      `${source} starts with a "---" front matter line that is never closed by another "---" line.`,
    );
  }

  const blockLength = close ? close.index + 3 : 0;
  if (blockLength > MAX_FRONT_MATTER_CHARS) {
    return fail(
      'FRONT_MATTER_INVALID',
      `The front matter of ${source} is ${blockLength} characters long (at most ${MAX_FRONT_MATTER_CHARS} are read); this is not a notice's front matter.`,
    );
  }

  let file: matter.GrayMatterFile<string>;
  try {
    // Passing options also turns off gray-matter's process-wide cache keyed by content, whose
    // shared result objects would leak mutations between notices.
    file = matter(text, { language: 'yaml', engines: ENGINES });
  } catch (error) {
    // js-yaml recurses once per nesting level: a deep enough block overflows the stack.
    const detail =
      error instanceof RangeError
        ? 'it nests too deeply'
        : error instanceof Error
          ? error.message.split('\n')[0]
          : String(error);
    return fail('FRONT_MATTER_INVALID', `The YAML front matter of ${source} is invalid: ${detail}.`);
  }

  const raw = file.matter ?? '';
  const data: unknown = file.data;
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data)) {
    const kind = Array.isArray(data) ? 'a list' : data === null || data === undefined ? 'empty' : `a ${typeof data}`;
    return fail(
      'FRONT_MATTER_INVALID',
      `The front matter of ${source} is ${kind}, not a mapping of "key: value" lines.`,
    );
  }
  const budget = { nodes: 0, max: MAX_METADATA_NODES };
  const metadata = toJsonData(data, budget);
  if (budget.nodes > MAX_METADATA_NODES) {
    return fail(
      'FRONT_MATTER_INVALID',
      `The front matter of ${source} expands to more than ${MAX_METADATA_NODES} values (YAML aliases?); refusing it.`,
    );
  }
  // gray-matter's block starts with the rest of the opening `---` line; drop that line.
  const block = raw.replace(/^[^\n]*\n/, '');
  const frontMatterText = block.trim() === '' ? null : block;
  return ok({ frontMatterText, metadata: metadata as Record<string, unknown>, body: file.content });
}

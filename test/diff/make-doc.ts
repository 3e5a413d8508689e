import matter from 'gray-matter';

import type { ComparableDocument } from '../../shared/diff';

/**
 * Builds a ComparableDocument the way the snapshot module does: front matter split by gray-matter
 * when the text opens with a `---` line, otherwise the whole text is the body.
 */
export function makeDoc(text: string): ComparableDocument {
  if (!/^---[^\S\n]*\n/.test(text)) return { text, metadata: {}, body: text };
  // Passing options disables gray-matter's shared cache.
  const file = matter(text, { language: 'yaml' });
  return { text, metadata: file.data as Record<string, unknown>, body: file.content };
}

/** A document whose text is treated entirely as body, whatever it contains (for arbitrary inputs). */
export function plainDoc(text: string): ComparableDocument {
  return { text, metadata: {}, body: text };
}

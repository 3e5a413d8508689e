import { TextDecoder } from 'node:util';

import { fail, ok, type Result } from '../common/result';

/**
 * Media types that are never a notice, whatever the bytes look like. `application/octet-stream`
 * is deliberately absent: misconfigured servers send markdown files with it, so those are sniffed.
 */
const BINARY_TYPES =
  /^(image|audio|video|font)\/|^application\/(pdf|zip|gzip|x-gzip|x-tar|x-7z-compressed|vnd\.ms-|vnd\.openxmlformats|msword|wasm)/i;

/** Share of U+FFFD (undecodable sequences) above which the body is treated as binary rather than damaged text. */
const MAX_REPLACEMENT_SHARE = 0.1;

/** Reads `charset=` from a Content-Type header value. */
export function charsetOf(contentType: string | null): string | null {
  if (!contentType) return null;
  const match = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType);
  return match ? match[2].toLowerCase() : null;
}

/**
 * Bytes to text. A byte order mark wins over the header (as browsers do); otherwise the header's
 * charset, otherwise UTF-8. Invalid sequences become U+FFFD, but a body that is mostly invalid,
 * or contains NUL characters, is binary and refused as NOT_TEXT.
 */
export function decodeText(bytes: Buffer, contentType: string | null, url: string): Result<string> {
  const mediaType = contentType?.split(';')[0].trim() ?? '';
  if (BINARY_TYPES.test(mediaType)) {
    return fail(
      'NOT_TEXT',
      `${url} answered with Content-Type "${mediaType}", which is not a text document; check the notice URL.`,
    );
  }

  let encoding: string;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) encoding = 'utf-8';
  else if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  else encoding = charsetOf(contentType) ?? 'utf-8';

  let decoder: TextDecoder;
  try {
    // TextDecoder strips the BOM of the chosen encoding (ignoreBOM defaults to false).
    decoder = new TextDecoder(encoding, { fatal: false });
  } catch (error) {
    return fail(
      'UNSUPPORTED_CHARSET',
      `${url} declares charset "${encoding}", which this Node.js build cannot decode (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  const text = decoder.decode(bytes);

  if (text.includes('\u0000')) {
    return fail('NOT_TEXT', `${url} returned binary content (NUL bytes), not a text notice; check the notice URL.`);
  }
  let replacements = 0;
  for (const ch of text) if (ch === '\ufffd') replacements++;
  if (text.length > 0 && replacements / text.length > MAX_REPLACEMENT_SHARE) {
    return fail(
      'NOT_TEXT',
      `${url} returned content that is not valid ${encoding} text (${replacements} undecodable sequences in ${text.length} characters); check the URL and the charset the server declares.`,
    );
  }
  return ok(text);
}

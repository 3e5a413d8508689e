/**
 * Connection strings, account keys, SAS signatures, function keys and bearer tokens must never reach
 * a report, a log line, an HTTP body or the CLI's output. Every message derived from a storage or HTTP
 * error passes through here, and such messages quote URLs and headers in whatever encoding the other
 * side chose: plain, HTML-escaped (`&amp;sig=`), percent-encoded once or twice (`%26sig%3D`),
 * JSON-escaped (`\u0026sig=`), or as JSON and JavaScript object members (`"sig":"..."`).
 */

const REDACTED = '[REDACTED]';

/** Where a query parameter starts: `?`, `&`, `;` (which also ends `&amp;`, `&#38;`, `&#x26;`), `%26`/`%3F` (also double-encoded), `\u0026`. */
const PARAM_START = String.raw`(?:[?&;]|%(?:25)*(?:26|3F)|\\u0026)`;
/** `=`, percent-encoded (`%3D`, `%253D`), JSON-escaped (`\u003d`) or an HTML entity (`&#61;`, `&#x3d;`). */
const EQUALS = String.raw`(?:=|%(?:25)*3D|\\u003d|&#0*61;|&#x0*3d;)`;
/** A parameter's value runs to the next parameter in any of those encodings, or to a quote, space, tag or escape. */
const PARAM_VALUE = String.raw`(?:(?!%(?:25)*26)[^&;\s"'<>\\])+`;
/** A quote as it appears in JSON, in JSON inside a JSON string, in HTML, or in JavaScript. */
const QUOTE = String.raw`(?:\\*"|&quot;|&#0*34;|&#x0*22;|')`;
/** A quoted value, up to its closing quote in the same encoding; escapes inside (`\/`, `\u002b`) belong to it. */
const QUOTED_VALUE = String.raw`(?:(?!&quot;|&#0*34;|&#x0*22;)[^"'\\]|\\[^"'\\])*`;
/** Names whose value is a secret when they appear as a JSON or JavaScript member. */
const SECRET_MEMBERS = [
  'sig',
  'accountkey',
  'account_key',
  'sharedaccesskey',
  'sharedaccesssignature',
  'authorization',
  'proxy-authorization',
  'x-ms-copy-source-authorization',
  'x-functions-key',
  'access_token',
  'refresh_token',
  'client_secret',
  'password',
];
const MEMBER_NAMES = SECRET_MEMBERS.map((name) => name.replace(/[-_]/g, '[-_]?')).join('|');

/** Each pattern's first group is kept; what follows it is the secret. */
const SECRET_PATTERNS: RegExp[] = [
  // SAS signature and function key as query parameters, in every encoding of the URL around them.
  new RegExp(String.raw`((?:^|\s|${PARAM_START})sig${EQUALS})${PARAM_VALUE}`, 'gi'),
  new RegExp(String.raw`(${PARAM_START}code${EQUALS})${PARAM_VALUE}`, 'gi'),
  // Connection string parts.
  new RegExp(
    String.raw`((?:AccountKey|SharedAccessKey|SharedAccessSignature)\s*${EQUALS}\s*)(?:(?!%(?:25)*26)[^;\s"'<>\\&])+`,
    'gi',
  ),
  // JSON and JavaScript members: "sig":"…", \"AccountKey\":\"…\", &quot;sig&quot;:&quot;…, { authorization: '…' }.
  new RegExp(String.raw`((?<![\w-])${QUOTE}?(?:${MEMBER_NAMES})${QUOTE}?\s*:\s*${QUOTE})${QUOTED_VALUE}`, 'gi'),
  // Header lines.
  /((?<![\w-])(?:(?:proxy-|x-ms-copy-source-)?authorization|x-functions-key)\s*:\s*)[^\r\n"'<\\]+/gi,
  // Credentials by scheme, wherever they are quoted.
  /(Bearer(?:\s+|%20))[A-Za-z0-9._~+/=-]+/gi,
  /(SharedKey(?:Lite)?(?:\s+|%20)[^:\s"'<\\]+:)[A-Za-z0-9+/=%]+/gi,
  // Storage's authentication error quotes the signature the request carried.
  /(signature found in the HTTP request (?:'|&#0*39;|&apos;|&#x0*27;))[^'&<\\]+/gi,
];

const SECRET_KEY = new RegExp(String.raw`^(?:${MEMBER_NAMES})$`, 'i');

export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, `$1${REDACTED}`);
  return out;
}

/**
 * A copy of a JSON-like value with every string redacted and the values of secret-named members
 * replaced: for response bodies and documents that carry messages from storage or publishers.
 */
export function redactJson<T>(value: T): T {
  return redactValue(value, null) as T;
}

function redactValue(value: unknown, key: string | null): unknown {
  if (typeof value === 'string') return key !== null && SECRET_KEY.test(key) ? REDACTED : redactSecrets(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, null));
  // Plain objects only: anything else (a Date, a Buffer) is left to its own JSON form.
  if (value !== null && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) out[name] = redactValue(item, name);
    return out;
  }
  return value;
}

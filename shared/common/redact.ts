/**
 * Connection strings, account keys and SAS signatures must never reach a report, a log line
 * or an error message. Every message that may quote storage configuration passes through here.
 */
const SECRET_PATTERNS: RegExp[] = [
  /(AccountKey\s*=\s*)[^;\s"']+/gi,
  /(SharedAccessSignature\s*=\s*)[^;\s"']+/gi,
  /([?&]sig=)[^&\s"']+/gi,
  /(Authorization:\s*)[^\r\n"']+/gi,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g,
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, '$1[REDACTED]');
  return out;
}

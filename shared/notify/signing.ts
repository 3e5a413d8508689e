import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The webhook signature: `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`, sent with
 * `X-Noticewatch-Timestamp: <unix seconds>`. Signing the timestamp with the body lets a receiver
 * refuse a replayed delivery by its age, the scheme Stripe and Slack webhooks use.
 */
export const TIMESTAMP_HEADER = 'X-Noticewatch-Timestamp';
export const SIGNATURE_HEADER = 'X-Noticewatch-Signature';

export function signatureFor(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * What a receiver does: recompute, compare in constant time, and refuse a timestamp older (or
 * newer) than the tolerance. Exported for receivers written in TypeScript and for the tests.
 */
export function verifySignature(
  secret: string,
  timestamp: string | undefined,
  body: string,
  signature: string | undefined,
  options: { now?: number; toleranceSeconds?: number } = {},
): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - Number(timestamp)) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signatureFor(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

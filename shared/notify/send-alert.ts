import type { Problem } from '../common/result';
import { defaultUserAgent } from '../notices/user-agent';
import type { ResolvedChannel } from './channels';
import type { AlertPayload } from './payload';
import { SIGNATURE_HEADER, signatureFor, TIMESTAMP_HEADER } from './signing';
import { teamsMessage } from './teams-card';

export interface SendOutcome {
  readonly delivered: boolean;
  /** HTTP status, or null when no answer came. */
  readonly status: number | null;
  readonly problem?: Problem;
  /** Worth another attempt in this run: no answer, 408, 425, 429 or 5xx. */
  readonly retryable: boolean;
  /** From a Retry-After header, in ms. */
  readonly retryAfterMs?: number;
}

/** The exact body a channel receives for a payload. */
export function channelBody(kind: ResolvedChannel['kind'], payload: AlertPayload): string {
  return JSON.stringify(kind === 'teams' ? teamsMessage(payload) : payload);
}

/** The headers of one attempt: signed afresh each time (the timestamp moves), the same Idempotency-Key always. */
export function channelHeaders(
  channel: ResolvedChannel,
  payload: AlertPayload,
  body: string,
  now: Date,
): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    'User-Agent': defaultUserAgent(),
    'Idempotency-Key': payload.id,
    'X-Noticewatch-Event': payload.kind,
  };
  if (channel.secret) {
    const timestamp = Math.floor(now.getTime() / 1000);
    headers[TIMESTAMP_HEADER] = String(timestamp);
    headers[SIGNATURE_HEADER] = signatureFor(channel.secret, timestamp, body);
  }
  return headers;
}

function retryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * What went wrong, in words that never include the URL: fetch's own errors can quote the address,
 * so only the error's kind and code are used.
 */
function networkProblem(channelId: string, error: unknown, timeoutMs: number): Problem {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError')
    return { code: 'CHANNEL_TIMEOUT', message: `Channel "${channelId}" did not answer within ${timeoutMs} ms.` };
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' && /^[A-Z0-9_]{2,40}$/.test(cause.code) ? cause.code : 'network error';
  return { code: 'CHANNEL_UNREACHABLE', message: `Channel "${channelId}" could not be reached (${code}).` };
}

/** One attempt: a POST with a timeout, no redirects followed (a redirect would carry the alert elsewhere). */
export async function sendAlert(
  channel: ResolvedChannel,
  payload: AlertPayload,
  options: { readonly timeoutMs: number; readonly now?: () => Date },
): Promise<SendOutcome> {
  const now = options.now ?? (() => new Date());
  const body = channelBody(channel.kind, payload);
  let response: Response;
  try {
    response = await fetch(channel.url, {
      method: 'POST',
      headers: channelHeaders(channel, payload, body, now()),
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    return {
      delivered: false,
      status: null,
      problem: networkProblem(channel.id, error, options.timeoutMs),
      retryable: true,
    };
  }
  // The answer's body is not ours to read or keep; let the connection go.
  await response.body?.cancel().catch(() => undefined);
  const status = response.status;
  if (status >= 200 && status < 300) return { delivered: true, status, retryable: false };
  const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
  const hint =
    status >= 300 && status < 400
      ? ' (a redirect; give the final URL)'
      : status === 401 || status === 403
        ? ' (check the URL or the secret)'
        : status === 404 || status === 410
          ? ' (the URL is not there; check the channel setting)'
          : '';
  return {
    delivered: false,
    status,
    retryable,
    retryAfterMs: retryAfter(response.headers.get('retry-after'), now()),
    problem: { code: 'CHANNEL_HTTP_ERROR', message: `Channel "${channel.id}" answered HTTP ${status}${hint}.` },
  };
}

import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';

import fetch, { type Response } from 'node-fetch';

import { withoutUndefined } from '../common/json-data';
import { redactSecrets } from '../common/redact';
import { fail, ok, type Problem, type ProblemCode, type Result } from '../common/result';
import { DEFAULT_FETCH_TIMEOUT_MS } from '../config/settings';
import { addressRefusal, isRelaxableReason, normaliseIpLiteral } from '../net/address-guard';
import { type AddressRefused, guardedLookup } from '../net/guarded-lookup';
import { decodeText } from './decode-text';
import { defaultUserAgent } from './user-agent';

export interface FetchOptions {
  /** Limit for one HTTP request, from sending it to the last body byte (default DEFAULT_FETCH_TIMEOUT_MS, 20 000 ms). */
  timeoutMs?: number;
  /** Largest body accepted, after content decoding (default 5 MiB). */
  maxBytes?: number;
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
  /** Extra attempts after a transient failure: timeout, reset, cut-short body, 5xx, 429 (default 1). */
  retries?: number;
  /** Wait before the first retry; doubles for each further one (default 1000 ms). */
  retryBackoffMs?: number;
  userAgent?: string;
}

/** Per-call settings that are not part of the configured FetchOptions. */
export interface FetchCallOptions {
  conditional?: ConditionalValidators;
  /**
   * Follow redirects only within this origin (includes stay on the notice's site): a redirect
   * elsewhere is REDIRECT_OFF_SITE and the other host is never contacted.
   */
  sameOrigin?: string;
  /** Aborting it stops the fetch at once (the run reached its deadline): CANCELLED, never retried. */
  signal?: AbortSignal;
  /**
   * Host (`URL.host`, port included when not the default) of the watched notice's URL: operator
   * configuration, so it is contacted whatever its address (intranet notices, loopback tests). Any
   * other host a redirect or an include leads to must resolve to a public address, checked at
   * connection time; otherwise FETCH_ADDRESS_FORBIDDEN and no connection is made. Default: the host of `url`.
   */
  trustedHost?: string;
  /**
   * Lets those other hosts be on loopback, private, CGNAT or unique-local addresses (an intranet site
   * that redirects across internal hosts); metadata and platform addresses stay refused.
   */
  allowPrivateRedirects?: boolean;
  /**
   * Answer HTTP 404 and 410 with a `missing` outcome instead of an HTTP_STATUS failure, for callers
   * that have somewhere else to look (a repository's public mirror, its record of moved files).
   */
  missingIsOutcome?: boolean;
}

/** Where a fetch may connect: see FetchCallOptions.trustedHost and allowPrivateRedirects. */
interface AddressPolicy {
  readonly trustedHost: string;
  readonly allowPrivate: boolean;
}

/** Validators from the previous snapshot, for a conditional GET. */
export interface ConditionalValidators {
  etag?: string | null;
  lastModified?: string | null;
}

export type FetchOutcome =
  | { kind: 'not-modified'; url: string }
  /** Only with `missingIsOutcome`: the server says there is no such resource; `problem` is the HTTP_STATUS failure it would have been. */
  | { kind: 'missing'; url: string; status: number; problem: Problem }
  | {
      kind: 'fetched';
      url: string;
      finalUrl: string;
      status: number;
      /** The body exactly as received (after Content-Encoding is undone). */
      bytes: Buffer;
      /** `bytes` decoded: BOM stripped, charset honoured, not otherwise changed. */
      text: string;
      contentType: string | null;
      etag: string | null;
      lastModified: string | null;
    };

export const DEFAULT_FETCH_OPTIONS: Readonly<Required<FetchOptions>> = Object.freeze({
  timeoutMs: DEFAULT_FETCH_TIMEOUT_MS,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  retries: 1,
  retryBackoffMs: 1_000,
  userAgent: defaultUserAgent(),
});

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ACCEPT = 'text/markdown, text/plain;q=0.9, text/html;q=0.8, */*;q=0.1';

/** A failure of one attempt, and whether trying again could help. */
interface AttemptFailure {
  problem: Problem;
  transient: boolean;
  /** The HTTP status, for an HTTP_STATUS failure. */
  status?: number;
}

type HopResult =
  | { kind: 'redirect'; location: string | null }
  | { kind: 'not-modified' }
  | { kind: 'body'; status: number; bytes: Buffer; headers: Response['headers'] }
  | { kind: 'failure'; failure: AttemptFailure };

/**
 * Fetches one notice or include: GET with manual redirects, timeout, size cap, one retry on
 * transient failures, optional conditional headers. Never throws; every failure is a Problem with
 * a stable code (URL_INVALID, FETCH_TIMEOUT, CONNECTION_RESET, TRUNCATED_BODY, BODY_OVERRUN, TOO_LARGE,
 * HTTP_STATUS, EMPTY_BODY, NOT_TEXT, UNSUPPORTED_CHARSET, FETCH_NETWORK, FETCH_ADDRESS_FORBIDDEN,
 * REDIRECT_LIMIT, REDIRECT_LOOP, REDIRECT_SCHEME, REDIRECT_OFF_SITE, REDIRECT_INVALID).
 */
export async function fetchResource(
  url: string,
  options: FetchOptions & FetchCallOptions = {},
): Promise<Result<FetchOutcome>> {
  const result = await fetchWithRetries(url, options);
  // Messages quote URLs and server errors: a notice or include URL may carry a SAS or a key.
  return result.ok ? result : fail(result.problem.code, redactSecrets(result.problem.message));
}

async function fetchWithRetries(url: string, options: FetchOptions & FetchCallOptions): Promise<Result<FetchOutcome>> {
  const opts: Required<FetchOptions> = { ...DEFAULT_FETCH_OPTIONS, ...withoutUndefined(options) };
  const parsed = parseHttpUrl(url);
  if (!parsed) {
    return fail('URL_INVALID', `"${url}" is not an absolute http(s) URL; fix the notice URL in the watchlist.`);
  }

  const policy: AddressPolicy = {
    trustedHost: options.trustedHost ?? parsed.host,
    allowPrivate: options.allowPrivateRedirects === true,
  };
  const attempts = Math.max(0, Math.floor(opts.retries)) + 1;
  let last: AttemptFailure | null = null;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await delay(opts.retryBackoffMs * 2 ** (attempt - 2));
    if (options.signal?.aborted)
      return fail('CANCELLED', `The fetch of ${url} was cancelled: the run reached its deadline.`);
    const result = await fetchFollowingRedirects(parsed.href, opts, {
      conditional: options.conditional,
      sameOrigin: options.sameOrigin ?? null,
      signal: options.signal,
      policy,
    });
    if (!('failure' in result)) return ok(result);
    last = result.failure;
    if (options.missingIsOutcome && (last.status === 404 || last.status === 410)) {
      return ok({ kind: 'missing', url, status: last.status, problem: last.problem });
    }
    if (!last.transient) return { ok: false, problem: last.problem };
  }
  // Only reachable after transient failures on every attempt.
  const problem = (last as AttemptFailure).problem;
  const suffix = attempts > 1 ? ` (gave up after ${attempts} attempts)` : '';
  return fail(problem.code, `${problem.message}${suffix}`);
}

type AbortReason = 'timeout' | 'cut-short' | 'done' | 'cancelled';

/** What one fetch holds every hop of its redirect chain to. */
interface ChainRules {
  readonly conditional: ConditionalValidators | undefined;
  readonly sameOrigin: string | null;
  readonly signal: AbortSignal | undefined;
  readonly policy: AddressPolicy;
}

async function fetchFollowingRedirects(
  url: string,
  opts: Required<FetchOptions>,
  { conditional, sameOrigin, signal, policy }: ChainRules,
): Promise<FetchOutcome | { failure: AttemptFailure }> {
  const chain: string[] = [url];
  let current = url;
  for (;;) {
    const guard = connectionGuard(current, policy);
    if ('failure' in guard) return guard;
    const hop = await requestOnce(current, opts, conditional, signal, guard.vetLookup);
    if (hop.kind === 'failure') return { failure: hop.failure };
    if (hop.kind === 'not-modified') return { kind: 'not-modified', url };
    if (hop.kind === 'redirect') {
      const next = checkRedirect(current, hop.location, chain, opts.maxRedirects, sameOrigin);
      if ('problem' in next) return { failure: { problem: next.problem, transient: false } };
      chain.push(next.url);
      current = next.url;
      continue;
    }

    const contentType = hop.headers.get('content-type');
    if (hop.bytes.length === 0) {
      return permanent(
        'EMPTY_BODY',
        `${current} answered HTTP ${hop.status} with an empty body; the notice is missing or the server misbehaved.`,
      );
    }
    const decoded = decodeText(hop.bytes, contentType, current);
    if (!decoded.ok) return { failure: { problem: decoded.problem, transient: false } };
    if (decoded.value.trim() === '') {
      return permanent(
        'EMPTY_BODY',
        `${current} answered HTTP ${hop.status} with a body of only whitespace; the notice is missing or the server misbehaved.`,
      );
    }
    return {
      kind: 'fetched',
      url,
      finalUrl: current,
      status: hop.status,
      bytes: hop.bytes,
      text: decoded.value,
      contentType,
      etag: hop.headers.get('etag'),
      lastModified: hop.headers.get('last-modified'),
    };
  }
}

/** Resolves and vets one Location header against the redirect policy. */
function checkRedirect(
  from: string,
  location: string | null,
  chain: string[],
  maxRedirects: number,
  sameOrigin: string | null,
): { url: string } | { problem: Problem } {
  if (location === null || location.trim() === '') {
    return { problem: { code: 'REDIRECT_INVALID', message: `${from} redirected without a Location header.` } };
  }
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    // new URL throws only for unparseable input; the message below carries the offending value.
    return {
      problem: { code: 'REDIRECT_INVALID', message: `${from} redirected to "${location}", which is not a valid URL.` },
    };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return {
      problem: {
        code: 'REDIRECT_SCHEME',
        message: `${from} redirected to ${target.protocol} URL "${location}"; only http and https redirects are followed.`,
      },
    };
  }
  if (sameOrigin !== null && target.origin !== sameOrigin) {
    return {
      problem: {
        code: 'REDIRECT_OFF_SITE',
        message: `${from} redirected to ${target.origin}, outside ${sameOrigin}; the redirect was not followed.`,
      },
    };
  }
  target.hash = '';
  const next = target.href;
  if (chain.includes(next)) {
    return { problem: { code: 'REDIRECT_LOOP', message: `Redirect loop: ${[...chain, next].join(' -> ')}.` } };
  }
  if (chain.length > maxRedirects) {
    return {
      problem: {
        code: 'REDIRECT_LIMIT',
        message: `${chain[0]} redirected more than ${maxRedirects} times (${[...chain, next].join(' -> ')}); update the notice URL to the final address.`,
      },
    };
  }
  return { url: next };
}

/**
 * How the connection to `url` is vetted: not at all on the trusted host; an IP literal (which Node
 * connects to without a lookup) here and now; a name at connection time, by the agent's lookup
 * (`vetLookup` is then the policy that lookup applies).
 */
function connectionGuard(
  url: string,
  policy: AddressPolicy,
): { vetLookup: AddressPolicy | null } | { failure: AttemptFailure } {
  const target = new URL(url);
  if (target.host === policy.trustedHost) return { vetLookup: null };
  const literal = normaliseIpLiteral(target.hostname);
  if (literal === null) return { vetLookup: policy };
  const reason = addressRefusal(literal, policy.allowPrivate);
  if (reason === null) return { vetLookup: null };
  return { failure: addressForbidden(url, { host: target.hostname, address: literal, reason }, policy.trustedHost) };
}

function addressForbidden(url: string, refused: AddressRefused, trustedHost: string): AttemptFailure {
  const where =
    normaliseIpLiteral(refused.host) !== null
      ? `its address ${refused.address} is ${refused.reason}`
      : `its host ${refused.host} resolves to ${refused.address} (${refused.reason})`;
  const hint = isRelaxableReason(refused.reason)
    ? ' If the notice is on an intranet site that redirects across internal hosts, set "allowPrivateRedirects": true on it in the watchlist.'
    : '';
  return {
    problem: {
      code: 'FETCH_ADDRESS_FORBIDDEN',
      message: `${url} was not contacted: ${where}, and hosts other than the watched notice's own (${trustedHost}) must have public addresses.${hint}`,
    },
    transient: false,
  };
}

/**
 * How long a complete response's connection is watched for stray bytes before the body is accepted.
 * We send `Connection: close`, so a sound server closes right after the last byte and the wait ends
 * at once; only a server that ignores it and holds the connection costs this much per request.
 */
export const OVERRUN_WATCH_MS = 250;

/** What the per-request agent saw of the raw response, which node-fetch does not expose. */
interface WireState {
  contentLength: number | null;
  wireBytes: number;
  /** The connection closed before the response was complete. */
  cutShort: boolean;
  /** Bytes arrived after the response was complete (-1: some, count unknown); 0 when none. */
  overrunBytes: number;
  /** Settles when the connection is closed, or bytes arrive after the end of the response. */
  settled: Promise<void>;
}

/**
 * One HTTP request, no redirects followed. The timeout covers the body too: a server that sends
 * headers and then stalls is aborted like one that never answers.
 */
async function requestOnce(
  url: string,
  opts: Required<FetchOptions>,
  conditional: ConditionalValidators | undefined,
  signal: AbortSignal | undefined,
  /** The policy the agent's lookup applies to resolved addresses; null: connect to whatever the name resolves to. */
  vetLookup: AddressPolicy | null,
): Promise<HopResult> {
  const controller = new AbortController();
  // Why the request was aborted by us; null while it runs normally.
  let abortReason: AbortReason | null = null;
  const abort = (reason: AbortReason) => {
    if (abortReason === null) abortReason = reason;
    controller.abort();
  };
  const onCancel = () => abort('cancelled');
  signal?.addEventListener('abort', onCancel, { once: true });
  const deadline = Date.now() + opts.timeoutMs;
  const timer = setTimeout(() => abort('timeout'), opts.timeoutMs);
  // Set by the agent's lookup when the name resolves to a refused address; no connection was made.
  let refused: AddressRefused | null = null;
  const lookup =
    vetLookup === null
      ? undefined
      : guardedLookup(vetLookup.allowPrivate, (refusal) => {
          refused = refusal;
        });
  const { agent, wire } = watchedAgent(url, () => abort('cut-short'), lookup);

  const headers: Record<string, string> = { 'User-Agent': opts.userAgent, Accept: ACCEPT };
  if (conditional?.etag) headers['If-None-Match'] = conditional.etag;
  if (conditional?.lastModified) headers['If-Modified-Since'] = conditional.lastModified;

  let response: Response | undefined;
  try {
    response = await fetch(url, { method: 'GET', headers, redirect: 'manual', signal: controller.signal, agent });
    const status = response.status;

    if (REDIRECT_STATUSES.has(status) || status === 304 || status < 200 || status >= 300) {
      const location = response.headers.get('location');
      discardBody(response, () => abort('done'));
      if (REDIRECT_STATUSES.has(status)) return { kind: 'redirect', location };
      if (status === 304) return { kind: 'not-modified' };
      return {
        kind: 'failure',
        failure: {
          problem: {
            code: 'HTTP_STATUS',
            message: `${url} answered HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}; ${statusAdvice(status)}`,
          },
          transient: status >= 500 || status === 429 || status === 408,
          status,
        },
      };
    }

    const declared = wire.contentLength;
    if (declared !== null && declared > opts.maxBytes) {
      discardBody(response, () => abort('done'));
      return { kind: 'failure', failure: tooLarge(url, opts.maxBytes, `it declares ${declared} bytes`) };
    }

    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      total += buffer.length;
      if (total > opts.maxBytes) {
        // Stop reading at once: the rest of an oversized body is never downloaded.
        discardBody(response, () => abort('done'));
        return { kind: 'failure', failure: tooLarge(url, opts.maxBytes, `more than ${opts.maxBytes} bytes arrived`) };
      }
      chunks.push(buffer);
    }
    if (wire.cutShort) return { kind: 'failure', failure: cutShortFailure(url, wire, null) };
    // The body is complete by its own framing. Bytes after it mean the framing lied (a body longer
    // than its Content-Length): what we read may be a cut-short notice that merely looks complete.
    response.body.on('error', () => undefined);
    clearTimeout(timer);
    await settleOrWait(wire.settled, Math.min(OVERRUN_WATCH_MS, Math.max(0, deadline - Date.now())));
    if (wire.overrunBytes !== 0) return { kind: 'failure', failure: overrunFailure(url, wire, total) };
    return { kind: 'body', status, bytes: Buffer.concat(chunks, total), headers: response.headers };
  } catch (error) {
    if (refused !== null && vetLookup !== null)
      return { kind: 'failure', failure: addressForbidden(url, refused, vetLookup.trustedHost) };
    if (wire.overrunBytes !== 0) return { kind: 'failure', failure: overrunFailure(url, wire, wire.wireBytes) };
    return { kind: 'failure', failure: classifyError(url, error, abortReason, wire, opts.timeoutMs) };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCancel);
    agent.destroy();
  }
}

/**
 * A fresh agent per request (no keep-alive), so that the response's completeness can be watched:
 * node-fetch pipes the response into its own stream and a connection closed before Content-Length
 * is reached would otherwise just stall the body until the timeout.
 *
 * It also watches for the opposite fault, a body longer than its Content-Length. Node's parser
 * stops at the declared length; extra bytes in the same packet make it fail with a bare "Parse
 * Error", and extra bytes in a later packet are never read at all (Node closes the socket after a
 * complete response), so node-fetch would hand back the first Content-Length bytes as a complete
 * body. Here the socket is kept reading (half-closed) after the response, every byte after its end
 * is counted in `overrunBytes`, and `settled` tells when there is nothing more to wait for.
 */
function watchedAgent(
  url: string,
  onCutShort: () => void,
  lookup: net.LookupFunction | undefined,
): { agent: http.Agent; wire: WireState } {
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const wire: WireState = { contentLength: null, wireBytes: 0, cutShort: false, overrunBytes: 0, settled };
  // Agent options reach net.connect, so `lookup` resolves every connection this agent makes.
  const agentOptions = { keepAlive: false, ...(lookup ? { lookup } : {}) };
  const agent = url.startsWith('https:') ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  const addRequest = (agent as unknown as { addRequest: (req: http.ClientRequest, options: unknown) => void })
    .addRequest;
  (agent as unknown as { addRequest: (req: http.ClientRequest, options: unknown) => void }).addRequest = function (
    req,
    options,
  ) {
    let response: http.IncomingMessage | null = null;
    /** -1: bytes followed, how many is unknown. */
    const overrun = (bytes: number) => {
      wire.overrunBytes =
        bytes < 0 ? (wire.overrunBytes === 0 ? -1 : wire.overrunBytes) : Math.max(wire.overrunBytes, bytes);
      settle();
    };
    req.on('response', (res: http.IncomingMessage) => {
      response = res;
      const length = res.headers['content-length'];
      wire.contentLength = length !== undefined && /^\d+$/.test(length) ? Number(length) : null;
      res.on('data', (chunk: Buffer) => {
        wire.wireBytes += chunk.length;
      });
      res.on('close', () => {
        if (!res.complete) {
          wire.cutShort = true;
          onCutShort();
        }
      });
    });
    req.on('socket', (socket: net.Socket) => {
      const raw = { total: 0, head: Buffer.alloc(0), headerEnd: null as number | null, interim: false };
      const observe = (chunk: Buffer, completeBefore: boolean) => {
        raw.total += chunk.length;
        if (raw.headerEnd === null && !raw.interim && raw.head.length < MAX_HEAD_BYTES) {
          raw.head = Buffer.concat([raw.head, chunk]);
          const end = headerBlockEnd(raw.head);
          if (end !== null) {
            // A 1xx interim response comes first: its header block is not the one we need; give up counting.
            if (/^HTTP\/\d(\.\d)? 1\d\d/.test(raw.head.toString('latin1', 0, 16))) raw.interim = true;
            else raw.headerEnd = end;
          }
        }
        // With Content-Length and no chunked coding, the response's exact size on the wire is known.
        const framed =
          response &&
          wire.contentLength !== null &&
          raw.headerEnd !== null &&
          !/chunked/i.test(String(response.headers['transfer-encoding'] ?? ''))
            ? raw.headerEnd + wire.contentLength
            : null;
        if (framed !== null && raw.total > framed) overrun(raw.total - framed);
        else if (framed === null && completeBefore) overrun(chunk.length);
      };
      // Every chunk is seen through emit rather than a 'data' listener: node-fetch takes a 'data'
      // listener left on the socket for a sign of a cut-short chunked body. The socket keeps flowing
      // after Node's parser lets go of it, so bytes after the response still pass through here.
      const emit = socket.emit as (this: net.Socket, event: string | symbol, ...args: unknown[]) => boolean;
      socket.emit = function (this: net.Socket, event: string | symbol, ...args: unknown[]): boolean {
        if (event !== 'data' || !Buffer.isBuffer(args[0])) return emit.apply(this, [event, ...args]);
        const completeBefore = response?.complete === true;
        const handled = emit.apply(this, [event, ...args]);
        observe(args[0], completeBefore);
        return handled;
      } as typeof socket.emit;
      socket.once('close', settle);
      // Half-close only, so that bytes already on their way after the response are still read (and
      // counted) until the server closes; agent.destroy() ends the socket when the request is over.
      (socket as net.Socket & { destroySoon?: () => void }).destroySoon = function (this: net.Socket) {
        this.end();
      };
    });
    // Extra bytes in the packet that completed the response: the parser fails on them.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (response?.complete && typeof error.code === 'string' && error.code.startsWith('HPE_')) overrun(-1);
    });
    return addRequest.call(this, req, options);
  };
  return { agent, wire };
}

/** A response head longer than this is not searched for its end (Node refuses heads over 16 KiB anyway). */
const MAX_HEAD_BYTES = 64 * 1024;

/** Offset just past the blank line ending an HTTP header block, or null if not there yet. */
function headerBlockEnd(head: Buffer): number | null {
  const crlf = head.indexOf('\r\n\r\n');
  const lf = head.indexOf('\n\n');
  if (crlf < 0 && lf < 0) return null;
  if (lf < 0 || (crlf >= 0 && crlf < lf)) return crlf + 4;
  return lf + 2;
}

/** Drops a body we will not read, closing the connection instead of downloading it. */
function discardBody(response: Response, abortRequest: () => void): void {
  // node-fetch reports the abort as an 'error' event on the body; the outcome is already decided,
  // and without a listener that event would crash the process.
  response.body.on('error', () => undefined);
  abortRequest();
}

function classifyError(
  url: string,
  error: unknown,
  abortReason: AbortReason | null,
  wire: WireState,
  timeoutMs: number,
): AttemptFailure {
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (abortReason === 'cancelled') {
    return {
      problem: { code: 'CANCELLED', message: `The fetch of ${url} was cancelled: the run reached its deadline.` },
      transient: false,
    };
  }
  if (abortReason === 'timeout') {
    return {
      problem: {
        code: 'FETCH_TIMEOUT',
        message: `${url} did not finish answering within ${timeoutMs} ms (${wire.wireBytes} body bytes received).`,
      },
      transient: true,
    };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return {
      problem: {
        code: 'CONNECTION_RESET',
        message: `The connection to ${url} was reset after ${wire.wireBytes} body bytes (${detail}).`,
      },
      transient: true,
    };
  }
  if (abortReason === 'cut-short' || wire.cutShort || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return cutShortFailure(url, wire, detail);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      problem: {
        code: 'FETCH_NETWORK',
        message: `The host of ${url} could not be resolved (${code}); check the URL and DNS.`,
      },
      transient: code === 'EAI_AGAIN',
    };
  }
  if (code === 'ECONNREFUSED') {
    return {
      problem: { code: 'FETCH_NETWORK', message: `${url} refused the connection; is the site up and the port right?` },
      transient: false,
    };
  }
  return { problem: { code: 'FETCH_NETWORK', message: `Request to ${url} failed: ${detail}` }, transient: false };
}

function cutShortFailure(url: string, wire: WireState, detail: string | null): AttemptFailure {
  const message =
    wire.contentLength !== null
      ? `The body from ${url} is truncated: the connection closed after ${wire.wireBytes} of the ${wire.contentLength} bytes announced by Content-Length.`
      : `The body from ${url} is truncated: the connection closed after ${wire.wireBytes} bytes before the response was complete${detail ? ` (${detail})` : ''}.`;
  return { problem: { code: 'TRUNCATED_BODY', message }, transient: true };
}

function overrunFailure(url: string, wire: WireState, received: number): AttemptFailure {
  const extra = wire.overrunBytes > 0 ? `${wire.overrunBytes} more bytes` : 'more bytes';
  const framing =
    wire.contentLength !== null
      ? `the ${wire.contentLength} bytes announced by Content-Length`
      : `the end of the response (${received} bytes)`;
  return {
    problem: {
      code: 'BODY_OVERRUN',
      message: `The response from ${url} is longer than its framing says: ${extra} followed ${framing}, so the body read may be cut short; not used.`,
    },
    transient: true,
  };
}

function tooLarge(url: string, maxBytes: number, what: string): AttemptFailure {
  return {
    problem: {
      code: 'TOO_LARGE',
      message: `${url} is larger than the ${maxBytes}-byte limit (${what}); raise maxBytes if this notice is really that big.`,
    },
    transient: false,
  };
}

function permanent(code: ProblemCode, message: string): { failure: AttemptFailure } {
  return { failure: { problem: { code, message }, transient: false } };
}

function statusAdvice(status: number): string {
  if (status === 404 || status === 410) return 'the notice may have moved; check the URL.';
  if (status === 401 || status === 403) return 'the site refuses access to this client.';
  if (status === 429) return 'the site is rate limiting; try later or less often.';
  if (status >= 500) return 'the site has a server error; it may recover by itself.';
  return 'expected 200.';
}

function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const direct = (error as { code?: unknown }).code;
  if (typeof direct === 'string') return direct;
  // node-fetch's FetchError keeps the system error in `errno`/`code` only on its wrapped cause.
  const errno = (error as { errno?: unknown }).errno;
  return typeof errno === 'string' ? errno : null;
}

function parseHttpUrl(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : null;
  } catch {
    // Unparseable: reported by the caller as URL_INVALID.
    return null;
  }
}

/** Waits for `event`, at most `ms`. */
function settleOrWait(event: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([event, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HttpRequest, HttpResponse, type HttpResponseInit, InvocationContext, type LogLevel } from '@azure/functions';

import { httpStatusOf } from '../shared/common/problem-codes';
import { redactSecrets } from '../shared/common/redact';
import { fail, ok, type ProblemCode, type Result } from '../shared/common/result';

/** The signature every HTTP handler in functions/ has. */
export type FunctionHttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export interface HostedRoute {
  /** Function name, for the invocation context and the log. */
  readonly name: string;
  /** Route as registered with `app.http`, without `/api/`: `reports` serves `/api/reports` and `/api/reports/<rest>`. */
  readonly route: string;
  /** Name of the catch-all parameter (`name` for `reports/{*name}`) the rest of the path is given as. */
  readonly param: string;
  readonly handler: FunctionHttpHandler;
}

export interface FunctionsHttpHostOptions {
  readonly routes: readonly HostedRoute[];
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * When set, every request needs it as `?code=` or `x-functions-key`, as `authLevel: 'function'` does in
   * the Functions host. When not set, the host answers only requests addressed to a loopback name.
   */
  readonly key?: string;
  /** Where the handlers' `context.log/warn/error` and the host's own failures go. */
  readonly log: (level: LogLevel, message: string) => void;
}

export interface FunctionsHttpHost {
  /** `http://host:port`, as a browser on this machine would use it. */
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

const JSON_ERROR_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };

/** An error answer of the host itself, with the status its code has in the catalogue. */
function sendProblem(response: ServerResponse, code: ProblemCode, message: string): void {
  response.writeHead(httpStatusOf(code), JSON_ERROR_HEADERS).end(JSON.stringify({ error: { code, message } }));
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function sameSecret(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `localhost`, `127.x.x.x` or `::1` (bracketed or not), as typed for --host or found in a Host header. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The request's own URL as the handler sees it, from its Host header; null when that is not a host. */
function requestUrl(incoming: IncomingMessage): URL | null {
  try {
    const base = new URL(`http://${incoming.headers.host ?? 'localhost'}`);
    // Only the path and query of the request line: an absolute URL there must not change the host.
    const target = new URL(incoming.url ?? '/', base);
    return new URL(`${target.pathname}${target.search}`, base);
  } catch {
    return null;
  }
}

/** Far above any review (the only body a hosted route reads), far below anything that could hurt. */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;

/** The whole body, or null once it passes MAX_REQUEST_BODY_BYTES (the rest is not read). */
async function readRequestBody(incoming: IncomingMessage): Promise<Buffer | null> {
  if (incoming.method === 'GET' || incoming.method === 'HEAD') return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * A stand-in for the Functions host on node:http, so the CLI serves the very handlers of functions/:
 * `/api/<route>[/<rest>]` goes to the route's handler with `<rest>` as its catch-all parameter, taken as
 * received (not decoded: the handlers refuse what is not exactly a valid name), and the handler's
 * `HttpResponseInit` is turned into bytes by @azure/functions' own `HttpResponse`, as the host does.
 * Request bodies (at most MAX_REQUEST_BODY_BYTES; only POST /api/reviews takes one) are read whole and passed on.
 */
export async function startFunctionsHttpHost(options: FunctionsHttpHostOptions): Promise<Result<FunctionsHttpHost>> {
  const { routes, key, log } = options;

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const url = requestUrl(incoming);
    if (url === null) {
      sendProblem(outgoing, 'REQUEST_INVALID', 'The Host header or the request target is not valid.');
      return;
    }
    // Without a key, only requests for a loopback name are answered: a web page the user visits could
    // otherwise point its own host name at 127.0.0.1 (DNS rebinding) and read the reports.
    if (key === undefined && !isLoopbackHost(url.hostname)) {
      sendProblem(outgoing, 'HOST_NOT_ALLOWED', 'This server answers only requests for localhost or 127.0.0.1.');
      return;
    }
    if (key !== undefined) {
      const given = url.searchParams.get('code') ?? (incoming.headers['x-functions-key'] as string | undefined) ?? null;
      if (!sameSecret(given, key)) {
        sendProblem(outgoing, 'KEY_REQUIRED', 'Open the URL with ?code=<key> that noticewatch serve printed.');
        return;
      }
    }
    if (url.pathname === '/') {
      // A convenience the Functions host does not have: the bare origin leads to the dashboard.
      outgoing.writeHead(302, { Location: `/api/dashboard/${url.search}`, 'Cache-Control': 'no-store' }).end();
      return;
    }
    const match = routes
      .map((route) => ({ route, base: `/api/${route.route}` }))
      .find(({ base }) => url.pathname === base || url.pathname.startsWith(`${base}/`));
    if (!match) {
      sendProblem(outgoing, 'ROUTE_NOT_FOUND', 'No such route; open /api/dashboard/.');
      return;
    }
    const rest = url.pathname.slice(match.base.length + 1);
    const requestBody = await readRequestBody(incoming);
    if (requestBody === null) {
      sendProblem(outgoing, 'BODY_TOO_LARGE', `A request body is at most ${MAX_REQUEST_BODY_BYTES} bytes.`);
      return;
    }
    const request = new HttpRequest({
      method: incoming.method ?? 'GET',
      url: url.href,
      headers: flattenHeaders(incoming),
      // The host leaves a catch-all parameter out when the path ends at the route.
      params: rest === '' ? {} : { [match.route.param]: rest },
      ...(requestBody.length > 0 ? { body: { bytes: requestBody } } : {}),
    });
    const context = new InvocationContext({
      functionName: match.route.name,
      invocationId: randomUUID(),
      logHandler: (level, ...args) => log(level, `${match.route.name}: ${args.map(String).join(' ')}`),
    });
    const init = await match.route.handler(request, context);
    const response = new HttpResponse(init);
    const body = Buffer.from(await response.arrayBuffer());
    response.headers.forEach((value, name) => outgoing.setHeader(name, value));
    outgoing.setHeader('Content-Length', body.length);
    outgoing.writeHead(response.status);
    outgoing.end(incoming.method === 'HEAD' ? undefined : body);
  }

  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch((error: unknown) => {
      // A handler that throws is a bug: logged in full (redacted), answered like the host would, without a stack.
      log('error', redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error)));
      if (!outgoing.headersSent)
        sendProblem(outgoing, 'INTERNAL_ERROR', 'The request failed; see the noticewatch log.');
      else outgoing.destroy();
    });
  });
  const listening = await new Promise<Result<number>>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === 'EADDRINUSE'
          ? ': the port is in use; choose another with --port (0 picks a free one)'
          : error.code === 'EADDRNOTAVAIL'
            ? ': no network interface has that address'
            : '';
      resolve(
        fail('LISTEN_FAILED', `Cannot listen on ${urlHost(options.host)}:${options.port} (${error.code}${hint}).`),
      );
    });
    server.listen(options.port, options.host, () => resolve(ok((server.address() as AddressInfo).port)));
  });
  if (!listening.ok) return listening;
  server.on('error', (error) => log('error', `server: ${error.message}`));
  const port = listening.value;
  let closing: Promise<void> | null = null;
  return ok({
    origin: `http://${urlHost(options.host)}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Browsers keep connections open; they must not hold the process.
        server.closeAllConnections();
      });
      return closing;
    },
  });
}

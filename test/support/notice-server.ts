import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, normalize } from 'node:path';

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

export interface RecordedRequest {
  readonly method: string;
  /** The request target as sent, query included. */
  readonly url: string;
  /** The path, query left out: what routes are keyed on. */
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
}

export interface NoticeServer {
  /** `http://127.0.0.1:<port>` (or the host asked for). */
  readonly origin: string;
  /** Routes by path (query ignored). */
  readonly routes: Map<string, Route>;
  /** Replaces what a path serves. */
  set(path: string, route: Route): void;
  /** Serves a text body with an ETag, answering conditional requests with 304. */
  setText(path: string, body: string, options?: { contentType?: string; etag?: string | null }): void;
  /** Every request seen, in order. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface NoticeServerOptions {
  /** Loopback address to listen on; 127.0.0.1 by default. */
  readonly host?: string;
  /** A folder whose files are served for paths no route claims (else 404). */
  readonly fixtures?: string;
}

/** The notice fixtures of test/fixtures/notices, for suites that fetch them by path. */
export const NOTICE_FIXTURES = join(__dirname, '..', 'fixtures', 'notices');

/**
 * The one loopback HTTP server the suites publish notices from: routes the test sets (or a text with
 * validators), optionally a fixtures folder behind them, every request recorded. Tests never touch
 * the internet.
 */
export async function startNoticeServer(options: NoticeServerOptions = {}): Promise<NoticeServer> {
  const routes = new Map<string, Route>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    const path = url.split('?')[0];
    requests.push({ method: request.method ?? 'GET', url, path, headers: request.headers });
    const route = routes.get(path);
    if (route) return route(request, response);
    if (options.fixtures) return void serveFixture(options.fixtures, path, response);
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    routes,
    requests,
    set: (path, route) => routes.set(path, route),
    setText(path, body, text = {}) {
      const etag = text.etag === undefined ? `"${Buffer.from(body).length}-${hashCode(body)}"` : text.etag;
      routes.set(path, (request, response) => {
        if (etag && request.headers['if-none-match'] === etag) {
          response.writeHead(304, { etag }).end();
          return;
        }
        response
          .writeHead(200, {
            'content-type': text.contentType ?? 'text/markdown; charset=utf-8',
            ...(etag ? { etag } : {}),
          })
          .end(body);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Stalled test responses keep their sockets open; end them so close() returns.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function serveFixture(folder: string, path: string, response: ServerResponse): Promise<void> {
  const file = normalize(join(folder, decodeURIComponent(path)));
  if (!file.startsWith(folder)) {
    response.writeHead(403).end('forbidden');
    return;
  }
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8' }).end(body);
  } catch {
    // Missing fixture: the test asked for a URL that is meant not to exist.
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

/** A route answering with a fixed status, headers and body. */
export function respond(status: number, body: string | Buffer, headers: OutgoingHttpHeaders = {}): Route {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'text/markdown; charset=utf-8', ...headers });
    response.end(body);
  };
}

function hashCode(text: string): string {
  let hash = 0;
  for (let index = 0; index < text.length; index += 1) hash = (Math.imul(31, hash) + text.charCodeAt(index)) | 0;
  return (hash >>> 0).toString(16);
}

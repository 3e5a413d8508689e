import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

export interface NoticeServer {
  readonly origin: string;
  /** Replaces what a path serves. */
  set(path: string, route: Route): void;
  /** Serves a text body with an ETag, answering conditional requests with 304. */
  setText(path: string, body: string, options?: { contentType?: string; etag?: string | null }): void;
  /** Every request seen, in order. */
  readonly requests: Array<{ path: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

/** A local HTTP server that serves notice versions the test chooses, on a free loopback port. */
export async function startNoticeServer(): Promise<NoticeServer> {
  const routes = new Map<string, Route>();
  const requests: NoticeServer['requests'] = [];
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    requests.push({ path, headers: request.headers });
    const route = routes.get(path);
    if (!route) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    route(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    set: (path, route) => routes.set(path, route),
    setText(path, body, options = {}) {
      const etag = options.etag === undefined ? `"${Buffer.from(body).length}-${hashCode(body)}"` : options.etag;
      routes.set(path, (request, response) => {
        if (etag && request.headers['if-none-match'] === etag) {
          response.writeHead(304, { etag }).end();
          return;
        }
        response
          .writeHead(200, {
            'content-type': options.contentType ?? 'text/markdown; charset=utf-8',
            ...(etag ? { etag } : {}),
          })
          .end(body);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function hashCode(text: string): string {
  let hash = 0;
  for (let index = 0; index < text.length; index += 1) hash = (Math.imul(31, hash) + text.charCodeAt(index)) | 0;
  return (hash >>> 0).toString(16);
}

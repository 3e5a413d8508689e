import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { Socket } from 'node:net';
import { join, normalize } from 'node:path';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  requests: RecordedRequest[];
  /** Routes by path (query ignored); unknown paths fall back to the static fixtures, then 404. */
  routes: Map<string, Route>;
  close(): Promise<void>;
}

const FIXTURES = join(__dirname, '..', 'fixtures', 'notices');

/** A local server on 127.0.0.1, port 0: tests never touch the internet. */
export async function startTestServer(): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const routes = new Map<string, Route>();
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    const path = (req.url ?? '/').split('?')[0];
    const route = routes.get(path);
    if (route) return route(req, res);
    void serveFixture(path, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test server has no port');
  return {
    base: `http://127.0.0.1:${address.port}`,
    requests,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        // Stalled test responses keep their sockets open; end them so close() returns.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function serveFixture(path: string, res: http.ServerResponse): Promise<void> {
  const file = normalize(join(FIXTURES, decodeURIComponent(path)));
  if (!file.startsWith(FIXTURES)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8' }).end(body);
  } catch {
    // Missing fixture: the test asked for a URL that is meant not to exist.
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

/** A route answering with a fixed status, headers and body. */
export function respond(status: number, body: string | Buffer, headers: http.OutgoingHttpHeaders = {}): Route {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/markdown; charset=utf-8', ...headers });
    res.end(body);
  };
}

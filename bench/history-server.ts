import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { HistoryServer } from './replay-history';

type Route = (response: ServerResponse) => void;

/** A loopback server whose answer per path the replay sets: a version's text, or a fault. */
export async function startHistoryServer(): Promise<HistoryServer & { close(): Promise<void> }> {
  const routes = new Map<string, Route>();
  const server = createServer((request, response) => {
    const route = routes.get((request.url ?? '/').split('?')[0]);
    if (route) route(response);
    else response.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    serveText(path, body) {
      routes.set(path, (response) =>
        response.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8' }).end(body),
      );
    },
    serveFailure(path, kind) {
      routes.set(path, (response) => {
        if (kind === 'status-503') {
          response.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
        } else if (kind === 'truncated') {
          // Promise more than is sent, then end the connection: a truncated body.
          response.writeHead(200, { 'content-type': 'text/markdown', 'content-length': '5000' });
          response.write('# Partial notice\n\nThe first paragraph arrives and then the connection');
          setTimeout(() => response.socket?.end(), 20);
        } else {
          response.writeHead(200, { 'content-type': 'text/markdown' });
          response.write('# Partial notice\n\nThe connection is reset mid-body');
          setTimeout(() => response.socket?.destroy(), 20);
        }
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

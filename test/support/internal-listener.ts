import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A server on an internal address (another loopback address, or another port) that would hand out
 * internal data if it were ever reached. Tests of the redirect address policy assert that it sees no
 * request, and that nothing it serves (the text holds `s3cr3t`, the validators `"internal"`) is kept.
 */
export interface InternalListener {
  readonly port: number;
  /** The path of every request it was sent, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

const INTERNAL_TEXT = '# Internal secret\n\nThe metadata token is s3cr3t.\n';

/** Starts an internal listener on a free port of `host` (a loopback address). */
export async function startInternalListener(host: string): Promise<InternalListener> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '/');
    res
      .writeHead(200, {
        'content-type': 'text/markdown',
        etag: '"internal"',
        'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT',
      })
      .end(INTERNAL_TEXT);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

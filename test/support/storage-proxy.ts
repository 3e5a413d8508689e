import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A page the proxy answers with instead of storage (build it from the request to quote its URL). */
export interface ProxyPage {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export type ProxyFault = 'pass' | 'status-500' | 'status-503' | { delayMs: number } | ProxyPage;

export interface StorageProxy {
  /** Blob endpoint to use in place of Azurite's. */
  readonly blobEndpoint: string;
  /** Decides, per request, what the proxy does (counted in `served`). */
  setFault(decide: (index: number, request: IncomingMessage) => ProxyFault): void;
  readonly served: { total: number; faults: number };
  close(): Promise<void>;
}

/** A loopback proxy in front of Azurite that can answer 500/503, slowly, or with a page of its own, like a struggling storage front end. */
export async function startStorageProxy(targetBlobEndpoint: string): Promise<StorageProxy> {
  const target = new URL(targetBlobEndpoint);
  let decide: (index: number, request: IncomingMessage) => ProxyFault = () => 'pass';
  const served = { total: 0, faults: 0 };
  const forward = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  };
  const server = createServer((incoming, outgoing) => {
    const fault = decide(served.total, incoming);
    served.total += 1;
    if (fault === 'pass') return forward(incoming, outgoing);
    served.faults += 1;
    if (fault === 'status-500' || fault === 'status-503') {
      incoming.resume();
      incoming.on('end', () =>
        outgoing
          .writeHead(fault === 'status-500' ? 500 : 503, { 'content-type': 'application/xml' })
          .end('<?xml version="1.0"?><Error><Code>ServerBusy</Code><Message>Injected fault</Message></Error>'),
      );
      return;
    }
    if ('status' in fault) {
      incoming.resume();
      incoming.on('end', () => outgoing.writeHead(fault.status, { 'content-type': fault.contentType }).end(fault.body));
      return;
    }
    const timer = setTimeout(() => forward(incoming, outgoing), fault.delayMs);
    outgoing.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    blobEndpoint: `http://127.0.0.1:${port}${target.pathname}`,
    setFault: (next) => {
      decide = next;
    },
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

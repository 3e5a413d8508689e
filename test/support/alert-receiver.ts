import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The status this receiver answered. */
  readonly status: number;
}

export interface AlertReceiver {
  /** A URL on this receiver; the path is the receiver's to record, like the secret part of a real hook URL. */
  url(path: string): string;
  /** Every request that reached the receiver, in order, with the status it was answered. */
  readonly requests: ReceivedRequest[];
  /** Requests answered 2xx: what the receiver acted on. */
  accepted(): ReceivedRequest[];
  /** The next `count` requests are answered `status` (after reading their body). */
  failNext(count: number, status?: number): void;
  /** Each answer waits this long first. */
  delayMs: number;
  /** Forgets the requests, the failures still to answer and the delay. */
  reset(): void;
  /** Stops listening (connections are refused) until start(): a receiver that is down. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A webhook receiver on a fixed loopback port that records what it receives. `okStatus` is what it
 * answers when all is well: 200 for a webhook, 202 for a Teams Workflows trigger.
 */
export async function startAlertReceiver(okStatus = 200): Promise<AlertReceiver> {
  const requests: ReceivedRequest[] = [];
  const failures: number[] = [];
  const sockets = new Set<Socket>();
  let port = 0;
  let server: Server | null = null;
  const receiver: AlertReceiver = {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    accepted: () => requests.filter((request) => request.status >= 200 && request.status < 300),
    failNext(count, status = 503) {
      for (let index = 0; index < count; index += 1) failures.push(status);
    },
    delayMs: 0,
    reset() {
      requests.length = 0;
      failures.length = 0;
      receiver.delayMs = 0;
    },
    async start() {
      const created = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const status = failures.shift() ?? okStatus;
          setTimeout(() => {
            requests.push({
              path: request.url ?? '/',
              headers: request.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              status,
            });
            response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
          }, receiver.delayMs);
        });
      });
      created.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen(port, '127.0.0.1', () => resolve());
      });
      port = (created.address() as AddressInfo).port;
      server = created;
    },
    async stop() {
      const current = server;
      server = null;
      if (!current) return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => current.close(() => resolve()));
    },
    close: () => receiver.stop(),
  };
  await receiver.start();
  return receiver;
}

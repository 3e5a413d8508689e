import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { join, relative, sep } from 'node:path';
import tls from 'node:tls';

import type { IssuedCertificate } from './demo-certificates';

export interface RunningDemoServer {
  readonly port: number;
  close(): Promise<void>;
}

function listenOnLoopback(server: NetServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes the server and whatever connections are still open, so nothing holds the process at exit. */
function closer(server: NetServer, sockets: Set<Socket>): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };
}

function trackSockets(server: NetServer): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // Probes hang up mid-handshake; a reset is normal here and must not crash the demo.
    socket.on('error', () => sockets.delete(socket));
  });
  return sockets;
}

const CONTENT_TYPES: Record<string, string> = {
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/** Every file of a published version, by URL path (`/privacy/includes/retention.md`). */
function readSite(folder: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(`/${relative(folder, path).split(sep).join('/')}`, readFileSync(path));
  }
  return files;
}

export interface DemoPublisher extends RunningDemoServer {
  readonly origin: string;
  /** Publishes version `n`: its files replace the same paths of the versions before it. */
  publish(version: number): void;
}

/**
 * The sample publisher: serves `content/demo/published-<n>/` over plain HTTP on loopback. Only the files
 * read at start are served, looked up by exact path, so no request can reach anything else on disk.
 */
export async function startDemoPublisher(contentDir: string, versions: number): Promise<DemoPublisher> {
  const sites = Array.from({ length: versions }, (_, index) => readSite(join(contentDir, `published-${index + 1}`)));
  let current = 1;
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://publisher.invalid').pathname;
    const body = sites
      .slice(0, current)
      .reverse()
      .map((site) => site.get(path))
      .find((file) => file !== undefined);
    const type = CONTENT_TYPES[path.slice(path.lastIndexOf('.'))];
    if (request.method !== 'GET' || body === undefined || type === undefined) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    response.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length }).end(body);
  });
  const sockets = trackSockets(server);
  const port = await listenOnLoopback(server);
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    publish(version) {
      if (version < 1 || version > versions) throw new RangeError(`The demo has versions 1 to ${versions}.`);
      current = version;
    },
    close: closer(server, sockets),
  };
}

export interface DemoTlsOptions {
  readonly certificate: IssuedCertificate;
  readonly minVersion: tls.SecureVersion;
  readonly maxVersion?: tls.SecureVersion;
}

/**
 * A real TLS server on loopback that completes the handshake and hangs up. TLS 1.0 and 1.1 need more
 * than `minVersion` under OpenSSL 3: their signature algorithms are below its default security level,
 * so a server that really accepts them also drops to security level 0.
 */
export async function startDemoTlsEndpoint(options: DemoTlsOptions): Promise<RunningDemoServer> {
  const legacy = options.minVersion === 'TLSv1' || options.minVersion === 'TLSv1.1';
  const server = tls.createServer({
    cert: options.certificate.certPem,
    key: options.certificate.keyPem,
    minVersion: options.minVersion,
    maxVersion: options.maxVersion ?? 'TLSv1.3',
    ...(legacy ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
  });
  // The checker's probes offer versions and suites a server refuses, and close abruptly: both are normal here.
  server.on('tlsClientError', () => undefined);
  const sockets = trackSockets(server);
  server.on('secureConnection', (socket) => {
    socket.on('error', () => undefined);
    socket.end();
  });
  const port = await listenOnLoopback(server);
  return { port, close: closer(server, sockets) };
}

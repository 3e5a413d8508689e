import net from 'node:net';
import tls from 'node:tls';

import type { Issued } from './tls-certs';

export interface RunningServer {
  readonly port: number;
  readonly host: string;
  /** Hello SNI values seen by the server (null = no SNI), for TLS servers. */
  readonly servernames: Array<string | null>;
  close(): Promise<void>;
}

function listen(server: net.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function track(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // Probes close abruptly; the server must not crash the suite.
    socket.on('error', () => sockets.delete(socket));
  });
  return sockets;
}

export async function startTlsServer(
  cert: Issued,
  versions: { min: tls.SecureVersion; max: tls.SecureVersion },
  host = '127.0.0.1',
): Promise<RunningServer> {
  const servernames: Array<string | null> = [];
  const server = tls.createServer({
    cert: cert.certPem,
    key: cert.keyPem,
    minVersion: versions.min,
    maxVersion: versions.max,
    ciphers: 'DEFAULT:@SECLEVEL=0',
    SNICallback: (name, cb) => {
      servernames.push(name);
      cb(null, undefined);
    },
  });
  server.on('tlsClientError', () => undefined);
  const sockets = track(server);
  server.on('secureConnection', (socket) => {
    if (!socket.servername) servernames.push(null);
    socket.end();
  });
  const port = await listen(server, host);
  return { port, host, servernames, close: closer(server, sockets) };
}

/** A TCP server with scripted behaviour, for what a real TLS stack would never do. */
export async function startRawServer(
  onSocket: (socket: net.Socket) => void,
  host = '127.0.0.1',
): Promise<RunningServer> {
  const server = net.createServer(onSocket);
  const sockets = track(server);
  const port = await listen(server, host);
  return { port, host, servernames: [], close: closer(server, sockets) };
}

/** A port with nothing listening: bind, read the port, close. */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server, '127.0.0.1');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function record(type: number, version: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeUInt16BE(version, 1);
  header.writeUInt16BE(payload.length, 3);
  return Buffer.concat([header, payload]);
}

function handshakeMessage(type: number, body: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from([type, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff]),
    body,
  ]);
}

export function serverHelloRecord(version: number, cipher: number, recordVersion = version): Buffer {
  const body = Buffer.concat([
    Buffer.from([version >> 8, version & 0xff]),
    Buffer.alloc(32, 7),
    Buffer.from([0]),
    Buffer.from([cipher >> 8, cipher & 0xff]),
    Buffer.from([0]),
  ]);
  return record(22, recordVersion, handshakeMessage(2, body));
}

export function alertRecord(description: number, version = 0x0301): Buffer {
  return record(21, version, Buffer.from([2, description]));
}

/** client_version and offered suites of the first ClientHello record in `data`, or null if incomplete. */
export function readClientHello(data: Buffer): { version: number; suites: number[] } | null {
  if (data.length < 5 || data[0] !== 22) return null;
  const length = data.readUInt16BE(3);
  if (data.length < 5 + length) return null;
  const body = data.subarray(9);
  const version = body.readUInt16BE(0);
  let offset = 34;
  offset += 1 + body[offset];
  const suitesLength = body.readUInt16BE(offset);
  const suites: number[] = [];
  for (let i = 0; i < suitesLength; i += 2) suites.push(body.readUInt16BE(offset + 2 + i));
  return { version, suites };
}

/**
 * A legacy box that speaks only SSLv3 and TLS 1.0 with RC4/3DES, answering at most TLS 1.0 to newer hellos,
 * as old appliances do. It stops after ServerHello: probes only need the first answer.
 */
export function legacyResponder(socket: net.Socket): void {
  let data = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    data = Buffer.concat([data, chunk]);
    const hello = readClientHello(data);
    if (!hello) return;
    const version = Math.min(hello.version, 0x0301);
    const cipher = [0x0005, 0x000a].find((c) => hello.suites.includes(c));
    if (version < 0x0300 || cipher === undefined) {
      socket.end(alertRecord(40, 0x0301));
      return;
    }
    // Split across two TCP writes to exercise reassembly on the client side.
    const reply = serverHelloRecord(version, cipher);
    socket.write(reply.subarray(0, 7));
    setTimeout(() => socket.end(reply.subarray(7)), 20);
  });
}

import net from 'node:net';

import { alertRecord, type RunningServer, startRawServer } from '../../support/tls-servers';

/**
 * A front: a loopback TCP proxy before a real TLS server that reads the client_version of each ClientHello and
 * either passes the connection through or turns it away the way load balancers and Schannel do.
 */

/**
 * What the front does with one connection: pass it to the backend, reset, close, answer with a fatal alert, or
 * hold it open and say nothing.
 */
export type FrontAction = 'pass' | 'reset' | 'close' | 'hold' | { readonly alert: number };

/**
 * client_version of the hello that starts `data` (TLS record or SSLv2-compatible), or null until its whole first
 * record is in: a real server reads the hello before it answers, and a client still sending would otherwise
 * see its own send fail (sslscan then aborts the scan).
 */
function helloVersion(data: Buffer): number | null {
  if (data.length < 5) return null;
  if (data[0] & 0x80) return data.length >= 2 + (data.readUInt16BE(0) & 0x7fff) ? data.readUInt16BE(3) : null;
  // Record header (5), handshake type and length (4), then client_version.
  return data.length >= 5 + data.readUInt16BE(3) && data.length >= 11 ? data.readUInt16BE(9) : null;
}

export async function startFront(
  backendPort: number,
  decide: (clientVersion: number) => FrontAction,
): Promise<RunningServer> {
  const backends = new Set<net.Socket>();
  const front = await startRawServer((client) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk]);
      const version = helloVersion(data);
      if (version === null) return;
      client.off('data', onData);
      const action = decide(version);
      if (action === 'reset') return void client.resetAndDestroy();
      if (action === 'close') return void client.end();
      if (action === 'hold') return;
      if (action !== 'pass') return void client.end(alertRecord(action.alert, Math.min(version, 0x0303)));
      const backend = net.connect({ host: '127.0.0.1', port: backendPort });
      backends.add(backend);
      backend.on('close', () => backends.delete(backend));
      backend.on('error', () => client.destroy());
      client.on('error', () => backend.destroy());
      client.on('close', () => backend.destroy());
      backend.on('close', () => client.destroy());
      backend.write(data);
      client.pipe(backend);
      backend.pipe(client);
    };
    client.on('data', onData);
  });
  return {
    ...front,
    close: async () => {
      for (const backend of backends) backend.destroy();
      await front.close();
    },
  };
}

/** Turns away every hello below TLS 1.2 with `action`; passes TLS 1.2 and 1.3 hellos (client_version 0x0303). */
export function belowTls12(action: Exclude<FrontAction, 'pass'>): (clientVersion: number) => FrontAction {
  return (clientVersion) => (clientVersion < 0x0303 ? action : 'pass');
}

import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Issued } from '../../support/tls-certs';

/**
 * Real TLS implementations run as child processes: `openssl s_server` and GnuTLS `gnutls-serv`. They are
 * started with `spawn` and awaited asynchronously (the code under test talks to them from this process), on
 * free ports, and stopped by `close()`.
 */

export interface RealServer {
  readonly port: number;
  /** What was started, for test names and failure messages. */
  readonly description: string;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

/** Absolute path of an executable on PATH, or null: the tests that need it then skip and say so. */
export function findBinary(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; keep looking.
    }
  }
  return null;
}

export const OPENSSL = findBinary('openssl');
export const GNUTLS_SERV = findBinary('gnutls-serv');

async function writeKeyPair(cert: Issued): Promise<{ dir: string; certFile: string; keyFile: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'noticewatch-tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  await writeFile(certFile, cert.certPem);
  await writeFile(keyFile, cert.keyPem, { mode: 0o600 });
  return { dir, certFile, keyFile };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 2_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Spawns `command` and waits until `ready` finds the listening port in what it has printed (stdout and stderr
 * together). `ready` returns the port, `'retry'` when the server could not bind, or null to keep waiting.
 */
async function spawnUntilReady(
  command: string,
  args: string[],
  ready: (output: string) => number | 'retry' | null,
): Promise<{ child: ChildProcess; port: number } | 'retry'> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const outcome = await new Promise<number | 'retry' | Error>((resolve) => {
    const timer = setTimeout(
      () => resolve(new Error(`${path.basename(command)} not ready after ${READY_TIMEOUT_MS} ms:\n${output}`)),
      READY_TIMEOUT_MS,
    );
    const onOutput = (chunk: Buffer): void => {
      output += chunk.toString();
      const found = ready(output);
      if (found !== null) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(new Error(`${path.basename(command)} exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  if (typeof outcome === 'number') {
    // Keep draining its output so a chatty server never blocks on a full pipe.
    child.stdout?.resume();
    child.stderr?.resume();
    return { child, port: outcome };
  }
  await stop(child);
  if (outcome === 'retry') return 'retry';
  throw outcome;
}

/**
 * `openssl s_server` on 127.0.0.1 and a port of its choosing (it prints `ACCEPT 127.0.0.1:<port>` once
 * listening), answering with its status page. `options` are extra s_server options (versions, ciphers).
 */
export async function startOpensslServer(cert: Issued, options: string[]): Promise<RealServer> {
  if (!OPENSSL) throw new Error('openssl is not installed');
  const files = await writeKeyPair(cert);
  const args = ['s_server', '-accept', '127.0.0.1:0', '-cert', files.certFile, '-key', files.keyFile, '-www'];
  try {
    const started = await spawnUntilReady(OPENSSL, [...args, ...options], (output) => {
      const match = /^ACCEPT 127\.0\.0\.1:(\d+)$/m.exec(output);
      return match ? Number(match[1]) : null;
    });
    if (started === 'retry') throw new Error('openssl s_server could not listen');
    return {
      port: started.port,
      description: `openssl s_server ${options.join(' ') || '(no options)'}`,
      close: async () => {
        await stop(started.child);
        await rm(files.dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(files.dir, { recursive: true, force: true });
    throw error;
  }
}

/** A port free on the IPv4 wildcard (gnutls-serv binds 0.0.0.0 and ::, and cannot be told otherwise). */
function freeWildcardPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '0.0.0.0', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * GnuTLS `gnutls-serv` with a priority string, as an echo server that asks no client certificate. It has no
 * option to listen on loopback only, so it listens on every address of a free port, for as long as the test
 * runs; the tests connect to 127.0.0.1. A port taken between choosing and binding is retried with another.
 */
export async function startGnutlsServer(cert: Issued, priority: string): Promise<RealServer> {
  if (!GNUTLS_SERV) throw new Error('gnutls-serv is not installed');
  const files = await writeKeyPair(cert);
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freeWildcardPort();
      const args = ['--x509certfile', files.certFile, '--x509keyfile', files.keyFile];
      const started = await spawnUntilReady(
        GNUTLS_SERV,
        [...args, '--port', String(port), '--echo', '--quiet', '--disable-client-cert', '--priority', priority],
        (output) => {
          // "Echo Server listening on IPv4 0.0.0.0 port N...done" or "...bind() failed: ...".
          const ipv4 = /listening on IPv4 \S+ port \d+\.\.\.(.*)\n/.exec(output);
          if (!ipv4) return null;
          return ipv4[1].startsWith('done') ? port : 'retry';
        },
      );
      if (started === 'retry') continue;
      return {
        port: started.port,
        description: `gnutls-serv --priority ${priority}`,
        close: async () => {
          await stop(started.child);
          await rm(files.dir, { recursive: true, force: true });
        },
      };
    }
    throw new Error('gnutls-serv found no free port in 5 attempts');
  } catch (error) {
    await rm(files.dir, { recursive: true, force: true });
    throw error;
  }
}

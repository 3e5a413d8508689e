import { readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';

/**
 * Two emulators on one folder do not see each other's writes (each keeps the blob index in memory
 * and reads it only at start). So a long-running process on the embedded store (`noticewatch
 * serve`) says where its emulator listens, and the short commands run against that one instead of
 * starting a second: a run made while the dashboard is open shows on its next refresh.
 */
const SHARE_FILE = 'azurite-shared.json';

export interface SharedAzurite {
  readonly pid: number;
  readonly blobEndpoint: string;
}

function shareFile(embeddedLocation: string): string {
  return join(embeddedLocation, SHARE_FILE);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else; ESRCH: gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function accepts(endpoint: URL, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(Number(endpoint.port), endpoint.hostname);
    const finish = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/**
 * The emulator another process shares for this folder, if one is announced, that process is alive
 * and the emulator answers on loopback. Anything else (no file, a stale or malformed one) means
 * there is none to join, and the caller starts its own as it always did.
 */
export async function findSharedAzurite(embeddedLocation: string, timeoutMs = 1_000): Promise<SharedAzurite | null> {
  let text: string;
  try {
    text = await readFile(shareFile(embeddedLocation), 'utf8');
  } catch {
    // None announced (ENOENT) or the folder is unreadable, which the emulator the caller starts reports itself.
    return null;
  }
  let announced: Partial<SharedAzurite>;
  try {
    announced = JSON.parse(text) as Partial<SharedAzurite>;
  } catch {
    return null; // half-written by a process that died: nobody to join
  }
  if (!Number.isInteger(announced.pid) || typeof announced.blobEndpoint !== 'string') return null;
  let endpoint: URL;
  try {
    endpoint = new URL(announced.blobEndpoint);
  } catch {
    return null;
  }
  // Only ever our own emulator on this machine: the file must not steer a run to another host.
  if (endpoint.protocol !== 'http:' || endpoint.hostname !== '127.0.0.1') return null;
  if (!processAlive(announced.pid!) || !(await accepts(endpoint, timeoutMs))) return null;
  return { pid: announced.pid!, blobEndpoint: announced.blobEndpoint };
}

/** Announces this process's emulator; the returned function withdraws the announcement if it is still ours. */
export async function shareAzurite(embeddedLocation: string, blobEndpoint: string): Promise<() => Promise<void>> {
  const file = shareFile(embeddedLocation);
  const announcement: SharedAzurite = { pid: process.pid, blobEndpoint };
  await writeFile(file, `${JSON.stringify(announcement)}\n`);
  return async () => {
    const current = await findAnnouncer(file);
    if (current === process.pid) await rm(file, { force: true });
  };
}

async function findAnnouncer(file: string): Promise<number | null> {
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as Partial<SharedAzurite>).pid ?? null;
  } catch {
    // Gone, or being rewritten by another process that now shares: either way not ours to remove.
    return null;
  }
}

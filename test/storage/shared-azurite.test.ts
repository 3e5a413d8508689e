import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findSharedAzurite } from '../../shared/storage';
import { shareAzurite } from '../../shared/storage/shared-azurite';

let dir: string;
let listener: Server;
let endpoint: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nw-shared-azurite-'));
  // Stands in for the emulator: only whether something accepts connections is asked.
  listener = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(listener.address() as { port: number }).port}/devstoreaccount1`;
});
afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function announce(content: string): string {
  const folder = mkdtempSync(join(dir, 'case-'));
  writeFileSync(join(folder, 'azurite-shared.json'), content);
  return folder;
}

describe('sharing the embedded Azurite between noticewatch processes', () => {
  it('finds the emulator a live process announced, and forgets it once withdrawn', async () => {
    const folder = mkdtempSync(join(dir, 'live-'));
    expect(await findSharedAzurite(folder)).toBeNull();
    const withdraw = await shareAzurite(folder, endpoint);
    expect(await findSharedAzurite(folder)).toEqual({ pid: process.pid, blobEndpoint: endpoint });
    await withdraw();
    expect(await findSharedAzurite(folder)).toBeNull();
  });

  it('ignores an announcement that is stale, malformed, unreachable or not on loopback', async () => {
    // A pid far above any the kernel hands out: the process that wrote it is gone.
    expect(await findSharedAzurite(announce(JSON.stringify({ pid: 2 ** 30, blobEndpoint: endpoint })))).toBeNull();
    expect(await findSharedAzurite(announce('{"pid": 12'))).toBeNull();
    expect(await findSharedAzurite(announce(JSON.stringify({ pid: 'x', blobEndpoint: endpoint })))).toBeNull();
    const elsewhere = endpoint.replace('127.0.0.1', 'storage.example');
    expect(await findSharedAzurite(announce(JSON.stringify({ pid: process.pid, blobEndpoint: elsewhere })))).toBeNull();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = `http://127.0.0.1:${port}/devstoreaccount1`;
    expect(
      await findSharedAzurite(announce(JSON.stringify({ pid: process.pid, blobEndpoint: unreachable }))),
    ).toBeNull();
  });

  it('withdraws only its own announcement', async () => {
    const folder = mkdtempSync(join(dir, 'replaced-'));
    const withdraw = await shareAzurite(folder, endpoint);
    // Another process took over the folder meanwhile.
    writeFileSync(join(folder, 'azurite-shared.json'), JSON.stringify({ pid: process.ppid, blobEndpoint: endpoint }));
    await withdraw();
    expect(await findSharedAzurite(folder)).toEqual({ pid: process.ppid, blobEndpoint: endpoint });
  });
});

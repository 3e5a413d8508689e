import net from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { newRunId, runTls } from '../../shared/runs';
import { MemoryObjectStore } from '../../shared/storage';
import type { TlsCheckOptions } from '../../shared/tls';
import { faultyStore } from '../support/fakes';
import { recordFault } from '../support/reliability-tally';
import { buildTestPki } from '../support/tls-certs';
import { type RunningServer, startRawServer, startTlsServer, unusedPort } from '../support/tls-servers';

let tls12and13: RunningServer;
/** On a second loopback address, so the per-address cap does not serialise it with the others. */
let silentElsewhere: RunningServer;
let options: TlsCheckOptions;

beforeAll(async () => {
  const pki = buildTestPki();
  const lookup = async (host: string) => {
    if (host !== 'localhost') throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return [{ address: '127.0.0.1', family: 4 }];
  };
  options = { allowPrivate: true, ca: pki.ca.certPem, timeoutMs: 1500, lookup };
  [tls12and13, silentElsewhere] = await Promise.all([
    startTlsServer(pki.good, { min: 'TLSv1.2', max: 'TLSv1.3' }),
    startRawServer(() => undefined, '127.0.0.2'),
  ]);
});

afterAll(async () => {
  await Promise.all([tls12and13?.close(), silentElsewhere?.close()]);
});

let counter = 0;
function identity() {
  counter += 1;
  const startedAt = new Date();
  return { runId: newRunId(startedAt, `tls${counter}`), startedAt };
}

describe('a TLS run', () => {
  it('caps connections per address across endpoints and reports progress', async () => {
    let open = 0;
    let peak = 0;
    const connect = (address: string, port: number): net.Socket => {
      const socket = net.connect({ host: address, port });
      open++;
      peak = Math.max(peak, open);
      socket.once('close', () => open--);
      return socket;
    };
    const progress: number[] = [];
    const endpoints = ['a', 'b', 'c'].map((id) => ({ id, host: 'localhost', port: tls12and13.port }));
    const run = await runTls(new MemoryObjectStore(), endpoints, {
      ...identity(),
      concurrency: 3,
      tls: { ...options, connect, perAddressConnections: 2 },
      onProgress: (_result, done) => progress.push(done),
    });
    expect(run.endpoints).toHaveLength(3);
    expect(run.notReached).toEqual([]);
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBeGreaterThan(0);
    expect(progress).toEqual([1, 2, 3]);
  });

  it('abandons what still hangs at its hard deadline and names it', async () => {
    const endpoints = [
      { id: 'fast', host: 'localhost', port: tls12and13.port },
      { id: 'slow', host: '127.0.0.2', port: silentElsewhere.port },
      { id: 'later', host: 'localhost', port: tls12and13.port },
    ];
    const started = Date.now();
    const run = await runTls(new MemoryObjectStore(), endpoints, {
      ...identity(),
      hardDeadline: started + 800,
      concurrency: 2,
      tls: { ...options, timeoutMs: 5000 },
    });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(run.endpoints.map((r) => r.id)).toEqual(['fast', 'later']);
    expect(run.notReached).toEqual(['slow']);
    expect(run.abandoned).toEqual(['slow']);
    expect(run.problems.map((problem) => problem.code)).toEqual(['RUN_DEADLINE']);
  });

  it('starts nothing after its deadline, and names what it did not start', async () => {
    const endpoints = [{ id: 'never', host: 'localhost', port: tls12and13.port }];
    const run = await runTls(new MemoryObjectStore(), endpoints, {
      ...identity(),
      deadline: Date.now() - 1,
      tls: options,
    });
    expect(run.endpoints).toEqual([]);
    expect(run.notReached).toEqual(['never']);
    expect(run.abandoned).toEqual([]);
  });
});

describe('a TLS run whose report writes outlast it', () => {
  it('lists each endpoint once, without a report, and says why', async () => {
    const memory = new MemoryObjectStore();
    const slow = faultyStore(memory, {
      create: async (c, n, b) => {
        if (n.startsWith('tls/')) await new Promise((resolve) => setTimeout(resolve, 2_000));
        return memory.create(c, n, b);
      },
    });
    const [a, b] = [await unusedPort(), await unusedPort()];
    const started = Date.now();
    const endpoints = [
      { id: 'one', host: '127.0.0.1', port: a },
      { id: 'two', host: '127.0.0.1', port: b },
    ];
    const summary = await runTls(slow, endpoints, {
      ...identity(),
      hardDeadline: started + 800,
      tls: { allowPrivate: true, timeoutMs: 300 },
    });
    expect(Date.now() - started).toBeLessThan(1_900);
    expect(summary.endpoints.map((endpoint) => [endpoint.id, endpoint.report])).toEqual([
      ['one', null],
      ['two', null],
    ]);
    expect(summary.problems.map((problem) => problem.code)).toContain('RUN_DEADLINE');
    const before = JSON.stringify(summary.endpoints);
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    expect(JSON.stringify(summary.endpoints)).toBe(before); // late writes change nothing
    recordFault('TLS report writes outlast the run');
  });
});

import net from 'node:net';

import { expect } from 'vitest';

import type { NoticeConfig } from '../../../shared/config';
import type { FetchOptions } from '../../../shared/notices';
import { listReports, type NoticeCheckResult, type NoticeReport, readReport } from '../../../shared/reports';
import { checkNotice, newRunId, type NoticePointer, readPointer } from '../../../shared/runs';
import { CONTAINERS, type ObjectStore } from '../../../shared/storage';

/**
 * What end-to-end fault tests look at around one checkNotice call: the pointer's lastGood, the
 * immutable blobs written for the notice, and the reports written for it.
 */

let runCounter = 0;
/** Every run of these tests starts on this day, so a notice's reports sit under one prefix. */
const RUN_DAY = '2026/12/01';

/** A fresh run identity. */
export function nextRun(): { runId: string; startedAt: string } {
  runCounter += 1;
  const startedAt = new Date(Date.UTC(2026, 11, 1, 6, 0, 0, runCounter));
  return { runId: newRunId(startedAt, `r${runCounter}`), startedAt: startedAt.toISOString() };
}

export async function check(
  store: ObjectStore,
  notice: NoticeConfig,
  fetchOptions: FetchOptions,
): Promise<NoticeCheckResult> {
  return checkNotice(notice, nextRun(), { store, fetchOptions });
}

export async function pointerOf(store: ObjectStore, noticeId: string): Promise<NoticePointer | null> {
  const read = await readPointer(store, noticeId);
  if (!read.ok) throw new Error(`pointer of ${noticeId}: ${read.problem.message}`);
  return read.value.pointer;
}

/** Names of every snapshot and raw blob stored for the notice. */
export async function blobsOf(store: ObjectStore, noticeId: string): Promise<string[]> {
  const names: string[] = [];
  for (const container of [CONTAINERS.snapshots, CONTAINERS.raw]) {
    const listed = await store.list(container, `${noticeId}/`);
    if (!listed.ok) throw new Error(listed.problem.message);
    names.push(...listed.value.map((name) => `${container}/${name}`));
  }
  return names;
}

/** Every drift report written for the notice, in name order. */
export async function reportsOf(store: ObjectStore, noticeId: string): Promise<NoticeReport[]> {
  const listed = await listReports(store, `drift/${RUN_DAY}/${noticeId}/`);
  if (!listed.ok) throw new Error(listed.problem.message);
  const reports: NoticeReport[] = [];
  for (const name of listed.value) {
    const read = await readReport<NoticeReport>(store, name);
    if (!read.ok || !read.value) throw new Error(`report ${name} unreadable`);
    reports.push(read.value);
  }
  return reports;
}

export async function snapshotText(store: ObjectStore, name: string): Promise<string> {
  const found = await store.get(CONTAINERS.snapshots, name);
  if (!found.ok || !found.value) throw new Error(`snapshot ${name} missing`);
  return found.value.body.toString('utf8');
}

/** What must not move when a check fails. */
export interface StateBefore {
  readonly lastGood: NoticePointer['lastGood'];
  readonly blobs: string[];
  readonly changedReports: number;
}

export async function stateOf(store: ObjectStore, noticeId: string): Promise<StateBefore> {
  const pointer = await pointerOf(store, noticeId);
  const reports = await reportsOf(store, noticeId);
  return {
    lastGood: pointer?.lastGood ?? null,
    blobs: await blobsOf(store, noticeId),
    changedReports: reports.filter((r) => r.status === 'changed').length,
  };
}

/**
 * The failed check left everything that matters as it was: an error result with no snapshot,
 * lastGood deep-equal, no blob added, no change reported; and its own report says error.
 */
export async function expectNothingMoved(
  store: ObjectStore,
  noticeId: string,
  before: StateBefore,
  result: NoticeCheckResult,
): Promise<void> {
  expect(result.status).toBe('error');
  expect(result.currentSnapshot).toBeNull();
  expect(result.rawSnapshot).toBeNull();
  const after = await stateOf(store, noticeId);
  expect(after.lastGood).toEqual(before.lastGood);
  expect(after.blobs).toEqual(before.blobs);
  expect(after.changedReports).toBe(before.changedReports);
  if (result.report) {
    const report = await readReport<NoticeReport>(store, result.report);
    expect(report.ok && report.value?.status).toBe('error');
  }
}

/** A route of the raw server: the request head as received, and the socket to answer on by hand. */
export type RawHandler = (socket: net.Socket, request: { path: string; head: string }) => void;

export interface RawHttpServer {
  readonly origin: string;
  readonly requests: string[];
  set(path: string, handler: RawHandler): void;
  close(): Promise<void>;
}

/**
 * An HTTP/1.1 server written by hand over `net`, for responses no HTTP library would produce.
 * allowHalfOpen: our client half-closes after a complete response; a server that keeps writing
 * after that (instead of stopping, as Node's default sockets do) is the one a faulty proxy is.
 */
export async function startRawHttpServer(): Promise<RawHttpServer> {
  const routes = new Map<string, RawHandler>();
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const path = (head.split(' ')[1] ?? '/').split('?')[0];
      requests.push(path);
      const handler = routes.get(path);
      if (handler) handler(socket, { path, head: head.slice(0, end) });
      else socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found');
    };
    socket.on('data', onData);
    // The client's FIN: a sound server is done with this connection too.
    socket.on('end', () => setTimeout(() => socket.end(), 200));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    set: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A complete, correctly framed response. */
export function rawResponse(body: string | Buffer, contentType = 'text/markdown; charset=utf-8'): Buffer {
  const bytes = Buffer.from(body);
  return Buffer.concat([
    Buffer.from(
      `HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`,
      'latin1',
    ),
    bytes,
  ]);
}

/** Collects unhandled rejections and uncaught exceptions while a file runs. */
export function watchForCrashes(): { readonly seen: unknown[]; stop(): void } {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => seen.push(reason);
  const onException = (error: unknown) => seen.push(error);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    seen,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

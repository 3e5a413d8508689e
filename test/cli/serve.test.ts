import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HttpRequest, HttpResponse } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ReadApiServer, startReadApi } from '../../cli/serve-command';
import { makeDashboardHttpHandler } from '../../functions/dashboard-http';
import { makeReportsHttpHandler } from '../../functions/reports-http';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { portClosed, startCli } from '../support/cli-process';
import { testContext, testDeps } from '../support/function-harness';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { runCli } from '../support/run-cli';
import { noticeV1, noticeV2, noticeV3 } from '../support/sample-notices';
import { buildTestPki } from '../support/tls-certs';
import { type RunningServer, startTlsServer } from '../support/tls-servers';

let storage: TestStorage;
let notices: NoticeServer;
let tlsServers: RunningServer[] = [];
let dir: string;
let api: ReadApiServer;
/** Report names the runs wrote, read back from latest.json. */
let changeReport: string;
let tlsReport: string;

/** Fills the store the way users do: two real `noticewatch run`s, the notice changing in between. */
async function realRuns(storageArgs: string[]): Promise<void> {
  const args = ['run', '--watchlist', join(dir, 'watchlist.json'), '--timeout', '3000', ...storageArgs];
  notices.setText('/serve/notice.md', noticeV1());
  const first = await runCli(args);
  expect(first.stdout).toMatch(/BASELINE\s+serve-notice/);
  notices.setText('/serve/notice.md', noticeV2());
  const second = await runCli(args);
  expect(second.code).toBe(1); // drift found, one endpoint not compliant
  expect(second.stdout).toMatch(/CHANGED\s+serve-notice/);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nw-serve-'));
  const pki = buildTestPki();
  writeFileSync(join(dir, 'ca.pem'), pki.ca.certPem);
  [storage, notices, ...tlsServers] = await Promise.all([
    startTestStorage(),
    startNoticeServer(),
    startTlsServer(pki.good, { min: 'TLSv1.2', max: 'TLSv1.3' }),
    startTlsServer(pki.good, { min: 'TLSv1', max: 'TLSv1.3' }),
  ]);
  const endpoint = (id: string, server: RunningServer) => ({
    id,
    host: '127.0.0.1',
    port: server.port,
    ca: join(dir, 'ca.pem'),
  });
  writeFileSync(
    join(dir, 'watchlist.json'),
    JSON.stringify({
      notices: [{ id: 'serve-notice', url: `${notices.origin}/serve/notice.md`, format: 'markdown' }],
      endpoints: [endpoint('serve-modern', tlsServers[0]), endpoint('serve-legacy', tlsServers[1])],
    }),
  );
  await realRuns(['--storage', storage.azurite.connectionString]);
  const latest = await fetchLatest(storage);
  changeReport = latest.notices['serve-notice'].lastChangeReport;
  tlsReport = latest.endpoints['serve-legacy'].report;
  const started = await startReadApi(storage.store, { host: '127.0.0.1', port: 0 });
  if (!started.ok) throw new Error(started.problem.message);
  api = started.value;
}, 120_000);

afterAll(async () => {
  await Promise.all([api?.close(), storage?.stop(), notices?.close(), ...tlsServers.map((server) => server.close())]);
  rmSync(dir, { recursive: true, force: true });
});

async function fetchLatest(from: TestStorage) {
  const handler = makeReportsHttpHandler(testDeps(from.store, { notices: [] }));
  const init = await handler(
    new HttpRequest({ method: 'GET', url: 'http://127.0.0.1/api/reports/latest', params: { name: 'latest' } }),
    testContext('reportsRead').context,
  );
  return init.jsonBody as {
    notices: Record<string, { status: string; lastChangeReport: string }>;
    endpoints: Record<string, { compliant: boolean; report: string }>;
  };
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** What the function itself answers, turned into bytes by @azure/functions as the Functions host does. */
async function functionAnswer(method: string, path: string): Promise<Answer> {
  const url = new URL(path, api.origin);
  const [, route, rest] = /^\/api\/(reports|dashboard)(?:\/(.*))?$/.exec(url.pathname)!;
  const handler =
    route === 'reports' ? makeReportsHttpHandler(testDeps(storage.store, { notices: [] })) : makeDashboardHttpHandler();
  const params = rest ? { [route === 'reports' ? 'name' : 'file']: rest } : {};
  const init = await handler(new HttpRequest({ method, url: url.href, params }), testContext(route).context);
  const response = new HttpResponse(init);
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}

async function servedAnswer(method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(new URL(path, api.origin), { method, headers, redirect: 'manual' });
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}

describe('noticewatch serve', () => {
  it('answers every route of the Functions app exactly as the function does', async () => {
    const cases: Array<[string, string]> = [
      ['GET', '/api/reports/latest'],
      ['GET', '/api/reports/latest.json'],
      ['GET', `/api/reports/${changeReport}`],
      ['GET', `/api/reports/${tlsReport}`],
      ['GET', '/api/reports?prefix=drift/'],
      ['GET', '/api/reports?prefix=tls/'],
      ['GET', '/api/reports?prefix=runs/'],
      ['GET', '/api/reports'],
      ['GET', '/api/reports?prefix=secrets/'],
      ['GET', '/api/reports/drift/2099/01/01/absent/absent.json'],
      ['GET', '/api/reports/drift/..%2f..%2fhost.json'],
      ['POST', '/api/reports/latest'],
      ['GET', '/api/dashboard/'],
      ['GET', '/api/dashboard'],
      ['GET', '/api/dashboard/index.html'],
      ['GET', '/api/dashboard/dashboard.js'],
      ['GET', '/api/dashboard/dashboard.css'],
      ['GET', '/api/dashboard/host.json'],
      ['GET', '/api/dashboard/?code=%3Cscript%3E'],
      ['DELETE', '/api/dashboard/'],
    ];
    const statuses: number[] = [];
    for (const [method, path] of cases) {
      const [expected, actual] = await Promise.all([functionAnswer(method, path), servedAnswer(method, path)]);
      statuses.push(actual.status);
      expect({ path, status: actual.status, body: actual.body }).toEqual({
        path,
        status: expected.status,
        body: expected.body,
      });
      // Every header the function sets (content type, caching, CSP...) reaches the browser unchanged.
      for (const [name, value] of Object.entries(expected.headers))
        expect([path, name, actual.headers[name]]).toEqual([path, name, value]);
    }
    // The cases cover success and each kind of refusal.
    expect(new Set(statuses)).toEqual(new Set([200, 400, 404, 405]));
    const latest = JSON.parse((await servedAnswer('GET', '/api/reports/latest')).body);
    expect(latest.notices['serve-notice'].status).toBe('changed');
    expect(latest.endpoints['serve-legacy'].compliant).toBe(false);
  });

  it('leads the bare origin to the dashboard, and answers paths outside the app with a JSON 404', async () => {
    const root = await servedAnswer('GET', '/');
    expect(root.status).toBe(302);
    expect(root.headers.location).toBe('/api/dashboard/');
    const other = await servedAnswer('GET', '/host.json');
    expect(other.status).toBe(404);
    expect(JSON.parse(other.body).error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('without a key, answers only requests addressed to a loopback name (no DNS rebinding)', async () => {
    const withHost = (host: string) =>
      new Promise<number>((resolve, reject) =>
        httpRequest(`${api.origin}/api/reports/latest`, { headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on('error', reject)
          .end(),
      );
    expect(await withHost(`127.0.0.1:${api.port}`)).toBe(200);
    expect(await withHost(`localhost:${api.port}`)).toBe(200);
    expect(await withHost(`[::1]:${api.port}`)).toBe(200);
    expect(await withHost(`attacker.example:${api.port}`)).toBe(403);
    expect(await withHost(`127.0.0.1.attacker.example`)).toBe(403);
  });

  it('with a key, refuses requests without it, by query or header', async () => {
    const key = 'serve-test-key_0123456789';
    const keyed = await startReadApi(storage.store, { host: '127.0.0.1', port: 0, key });
    if (!keyed.ok) throw new Error(keyed.problem.message);
    try {
      expect(keyed.value.dashboardUrl).toBe(`${keyed.value.origin}/api/dashboard/?code=${key}`);
      expect((await fetch(`${keyed.value.origin}/api/reports/latest`)).status).toBe(401);
      expect((await fetch(`${keyed.value.origin}/api/reports/latest?code=wrong`)).status).toBe(401);
      expect((await fetch(`${keyed.value.origin}/api/reports/latest?code=${key}`)).status).toBe(200);
      expect(
        (await fetch(`${keyed.value.origin}/api/reports/latest`, { headers: { 'x-functions-key': key } })).status,
      ).toBe(200);
      const page = await (await fetch(keyed.value.dashboardUrl)).text();
      expect(page).toContain(`dashboard.js?code=${key}`);
    } finally {
      await keyed.value.close();
    }
  });

  it('as a command: serves the embedded storage that `run` filled, on loopback with no key, until SIGINT', async () => {
    // As `npm start` leaves it: no storage configured, so the embedded Azurite under the data folder.
    const dataDir = join(dir, 'embedded');
    const env: NodeJS.ProcessEnv = { ...process.env, NOTICEWATCH_DATA_DIR: dataDir };
    delete env.AZURE_STORAGE_CONNECTION_STRING;
    delete env.NOTICEWATCH_STORAGE_ACCOUNT_URL;
    const withEmbeddedStorage = async <T>(work: () => Promise<T>): Promise<T> => {
      const saved = process.env;
      process.env = env;
      try {
        return await work();
      } finally {
        process.env = saved;
      }
    };
    await withEmbeddedStorage(() => realRuns([]));

    const serve = startCli(['serve', '--port', '0'], env);
    try {
      const [url] = await serve.waitForStdout(/^http:\/\/127\.0\.0\.1:\d+\/api\/dashboard\/$/m);
      expect(serve.stderr()).toContain('embedded Azurite');
      const latest = (await (await fetch(new URL('/api/reports/latest', url))).json()) as Awaited<
        ReturnType<typeof fetchLatest>
      >;
      expect(latest.notices['serve-notice'].status).toBe('changed');
      expect(latest.endpoints['serve-legacy'].compliant).toBe(false);
      expect((await fetch(url)).headers.get('content-security-policy')).toContain("script-src 'self'");
      // @azure/functions' notices that it runs outside the Functions host are not shown to the user.
      expect(serve.stderr()).not.toContain('test mode');

      // A run made while serve is open uses serve's emulator, so the dashboard shows it at once.
      expect(existsSync(join(dataDir, 'azurite-shared.json'))).toBe(true);
      notices.setText('/serve/notice.md', noticeV3());
      const third = await withEmbeddedStorage(() =>
        runCli(['drift', '--watchlist', join(dir, 'watchlist.json'), '--timeout', '3000']),
      );
      expect(third.stderr).toMatch(/using the embedded Azurite that noticewatch serve \(pid \d+\) runs under/);
      expect(third.stdout).toMatch(/CHANGED\s+serve-notice: metadata only/);
      const after = (await (await fetch(new URL('/api/reports/latest', url))).json()) as Awaited<
        ReturnType<typeof fetchLatest>
      >;
      expect(after.notices['serve-notice'].lastChangeReport).not.toBe(latest.notices['serve-notice'].lastChangeReport);

      serve.child.kill('SIGINT');
      expect(await serve.exited).toEqual({ code: 0, signal: null });
      expect(serve.stderr()).toContain('SIGINT, stopping');
      expect(await portClosed(Number(new URL(url).port))).toBe(true);
      expect(existsSync(join(dataDir, 'azurite-shared.json'))).toBe(false);
    } finally {
      serve.kill();
    }
  }, 120_000);

  it('as a command: off loopback only with --host, and then every request needs the key it prints', async () => {
    const serve = startCli([
      'serve',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--storage',
      storage.azurite.connectionString,
    ]);
    try {
      const [url, port, key] = await serve.waitForStdout(
        /^http:\/\/0\.0\.0\.0:(\d+)\/api\/dashboard\/\?code=([A-Za-z0-9_-]{32})$/m,
      );
      expect(url).toBeTruthy();
      expect(serve.stderr()).toContain('not loopback');
      expect((await fetch(`http://127.0.0.1:${port}/api/reports/latest`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/api/reports/latest?code=${key}`)).status).toBe(200);
      serve.child.kill('SIGINT');
      expect((await serve.exited).code).toBe(0);
    } finally {
      serve.kill();
    }
  }, 60_000);

  it('refuses bad options before anything starts', async () => {
    const badPort = await runCli(['serve', '--port', '70000']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port must be a whole number from 0 to 65535');
    expect(badPort.stderr).not.toContain('starting an embedded Azurite');
    const portOnRun = await runCli(['run', '--port', '8080']);
    expect(portOnRun.code).toBe(2);
    expect(portOnRun.stderr).toContain('--port applies to serve and demo, not run');
    const hostOnDemo = await runCli(['demo', '--host', '0.0.0.0']);
    expect(hostOnDemo.stderr).toContain('--host applies to serve, not demo');
    const storageOnDemo = await runCli(['demo', '--storage', 'UseDevelopmentStorage=true']);
    expect(storageOnDemo.stderr).toContain(
      '--storage applies to run, drift, tls, serve, history, review and reviews, not demo',
    );
    process.env.NOTICEWATCH_SERVE_KEY = 'short';
    try {
      const badKey = await runCli(['serve', '--host', '0.0.0.0']);
      expect(badKey.code).toBe(2);
      expect(badKey.stderr).toContain('NOTICEWATCH_SERVE_KEY must be 16 to 256');
    } finally {
      delete process.env.NOTICEWATCH_SERVE_KEY;
    }
  });
});

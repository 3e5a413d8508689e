import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HttpRequest } from '@azure/functions';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { makeDriftHttpHandler } from '../../functions/drift-http';
import { makeReportsHttpHandler } from '../../functions/reports-http';
import { storeFromConnectionString } from '../../shared/storage';
import { AZURITE_ACCOUNT, AZURITE_KEY } from '../../shared/storage/embedded-azurite';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { testContext, testDeps } from '../support/function-harness';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { recordFault } from '../support/reliability-tally';
import { runCli } from '../support/run-cli';
import { noticeV1 } from '../support/sample-notices';
import { startStorageProxy, type StorageProxy } from '../support/storage-proxy';

/**
 * Storage reached with a SAS, behind a proxy that answers every request with an error page quoting the
 * request URL (HTML-escaped, percent-encoded and as a JSON member). The signature must not reach the
 * CLI's stdout or stderr, an HTTP 503 body, or a function log line.
 */

let storage: TestStorage;
let proxy: StorageProxy;
let server: NoticeServer;
let sasConnectionString: string;
let signature: string;
let dir: string;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** What a misconfigured gateway in front of storage might say, quoting the request in three encodings. */
function errorPageQuoting(request: IncomingMessage) {
  const url = request.url ?? '/';
  return {
    status: 502,
    contentType: 'text/html; charset=utf-8',
    body:
      `<html><body><h1>Bad gateway</h1><p>The upstream storage failed for ${escapeHtml(url)}</p>` +
      `<a href="/retry?next=${encodeURIComponent(url)}">retry</a>` +
      `<script type="application/json">${escapeHtml(JSON.stringify({ request: url, sig: new URL(url, 'http://x').searchParams.get('sig') }))}</script>` +
      `</body></html>`,
  };
}

beforeAll(async () => {
  [storage, server] = await Promise.all([startTestStorage(), startNoticeServer()]);
  proxy = await startStorageProxy(storage.azurite.blobEndpoint);
  proxy.setFault((_index, request) => errorPageQuoting(request));
  const sas = generateAccountSASQueryParameters(
    {
      expiresOn: new Date(Date.now() + 3_600_000),
      permissions: AccountSASPermissions.parse('rwdlac'),
      resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
      services: AccountSASServices.parse('b').toString(),
    },
    new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
  );
  signature = sas.signature;
  sasConnectionString = `BlobEndpoint=${proxy.blobEndpoint};SharedAccessSignature=${sas.toString()}`;
  dir = mkdtempSync(join(tmpdir(), 'nw-redact-'));
  server.setText('/redact/notice.md', noticeV1());
});
afterAll(async () => {
  await proxy?.close();
  await Promise.all([storage?.stop(), server?.close()]);
});
afterEach(() => vi.restoreAllMocks());

/** Every spelling of the signature a page could quote: decoded, percent-encoded once and twice, and a recognisable piece. */
function expectNoSignature(where: string, text: string): void {
  const forms = [signature, encodeURIComponent(signature), encodeURIComponent(encodeURIComponent(signature))];
  forms.push(signature.slice(0, 16));
  for (const form of forms) expect(text, `${where} leaks the signature`).not.toContain(form);
}

function sasStore() {
  const store = storeFromConnectionString(sasConnectionString, {
    maxTries: 1,
    tryTimeoutMs: 5_000,
    retryDelayMs: 10,
    maxRetryDelayMs: 10,
  });
  if (!store.ok) throw new Error(store.problem.message);
  return store.value;
}

describe('a storage error page quoting the SAS URL', () => {
  it('the proxy really does quote it, escaped', async () => {
    // Guard against a vacuous test: the storage error message carries the escaped signature before redaction.
    const before = proxy.served.total;
    const store = sasStore();
    const read = await store.get('reports', 'latest.json');
    expect(read.ok).toBe(false);
    expect(proxy.served.total).toBeGreaterThan(before);
    const page = errorPageQuoting({
      url: `/devstoreaccount1/reports?sv=1&sig=${encodeURIComponent(signature)}`,
    } as IncomingMessage);
    expect(page.body).toContain(`&amp;sig=${encodeURIComponent(signature)}`);
    expect(page.body).toContain(`%26sig%3D${encodeURIComponent(encodeURIComponent(signature))}`);
    if (!read.ok) {
      expect(read.problem.code).toBe('STORAGE_ERROR');
      expect(read.problem.message).toContain('sig=[REDACTED]');
      expectNoSignature('the storage problem', read.problem.message);
    }
  });

  it('never reaches the CLI output', async () => {
    const watchlist = join(dir, 'watchlist.json');
    writeFileSync(
      watchlist,
      JSON.stringify({
        notices: [{ id: 'redact-notice', url: `${server.origin}/redact/notice.md`, format: 'markdown' }],
      }),
    );
    for (const json of [true, false]) {
      const { code, stdout, stderr } = await runCli([
        'drift',
        '--watchlist',
        watchlist,
        ...(json ? ['--json'] : []),
        '--storage',
        sasConnectionString,
        '--timeout',
        '2000',
      ]);
      expect(code).toBe(2);
      expect(stdout + stderr).toMatch(/STORAGE_/);
      expect(stdout + stderr).toContain('[REDACTED]');
      expectNoSignature(`CLI stdout (json: ${json})`, stdout);
      expectNoSignature(`CLI stderr (json: ${json})`, stderr);
    }
  });

  it('never reaches a 503 body or the function log', async () => {
    const deps = testDeps(sasStore(), {
      notices: [{ id: 'redact-notice', url: `${server.origin}/redact/notice.md`, format: 'markdown' }],
    });
    const drift = testContext('driftHttp');
    const driftResponse = await makeDriftHttpHandler(deps)(
      new HttpRequest({ method: 'POST', url: 'http://localhost/api/drift' }),
      drift.context,
    );
    const reports = testContext('reportsRead');
    const reportsResponse = await makeReportsHttpHandler(deps)(
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/reports/latest', params: { name: 'latest' } }),
      reports.context,
    );
    for (const [name, response, logs] of [
      ['POST /api/drift', driftResponse, drift.logs],
      ['GET /api/reports/latest', reportsResponse, reports.logs],
    ] as const) {
      expect(response.status, name).toBe(503);
      const body = JSON.stringify(response.jsonBody);
      expect(body).toContain('[REDACTED]');
      expectNoSignature(`${name} body`, body);
      expect(logs.length, name).toBeGreaterThan(0);
      expectNoSignature(`${name} log`, logs.map((line) => line.message).join('\n'));
    }
    recordFault('storage error page quoting the SAS URL: redacted everywhere');
  });
});

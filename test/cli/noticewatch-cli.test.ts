import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { startTestStorage, type TestStorage } from '../support/azurite';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { runCli } from '../support/run-cli';
import { noticeV1, noticeV2, noticeV3 } from '../support/sample-notices';
import { buildTestPki } from '../support/tls-certs';
import { startTlsServer, unusedPort } from '../support/tls-servers';

let storage: TestStorage;
let server: NoticeServer;
let dir: string;
beforeAll(async () => {
  [storage, server] = await Promise.all([startTestStorage(), startNoticeServer()]);
  dir = mkdtempSync(join(tmpdir(), 'nw-cli-'));
});
afterAll(async () => {
  await Promise.all([storage?.stop(), server?.close()]);
});
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.NOTICEWATCH_DATA_DIR;
});

function writeWatchlist(name: string, notices: object[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ notices }));
  return path;
}

describe('noticewatch drift', () => {
  it('prints exactly one JSON document and exits 0, then 1 on drift, then 2 on a failed check', async () => {
    server.setText('/cli/notice.md', noticeV1());
    const watchlist = writeWatchlist('cli.json', [
      { id: 'cli-notice', url: `${server.origin}/cli/notice.md`, format: 'markdown' },
    ]);
    const args = [
      'drift',
      '--watchlist',
      watchlist,
      '--json',
      '--storage',
      storage.azurite.connectionString,
      '--timeout',
      '2000',
    ];

    const first = await runCli(args);
    expect(first.code).toBe(0);
    const document = JSON.parse(first.stdout);
    expect(Object.keys(document)).toEqual(expect.arrayContaining(['runId', 'startedAt', 'finishedAt', 'notices']));
    expect(document.notices[0]).toMatchObject({
      id: 'cli-notice',
      status: 'baseline',
      previousSnapshot: null,
    });
    // A baseline has no change to describe, so it carries no empty change fields either.
    expect(document.notices[0]).not.toHaveProperty('sections');
    expect(first.stderr).toContain('[notice 1/1] BASELINE  cli-notice');

    server.setText('/cli/notice.md', noticeV2());
    const second = await runCli(args);
    expect(second.code).toBe(1);
    const changed = JSON.parse(second.stdout).notices[0];
    expect(changed).toMatchObject({ status: 'changed', substantive: true });
    expect(changed.diff).toContain('+We keep activity data for 180 days.');

    server.set('/cli/notice.md', (_request, response) => response.writeHead(500).end());
    const third = await runCli(args);
    expect(third.code).toBe(2);
    expect(JSON.parse(third.stdout).notices[0].error.code).toBe('HTTP_STATUS');
  });

  it('prints a human summary by default', async () => {
    server.setText('/cli/human.md', noticeV1());
    const watchlist = writeWatchlist('human.json', [
      { id: 'cli-human', url: `${server.origin}/cli/human.md`, format: 'markdown' },
    ]);
    const result = await runCli(['run', '--watchlist', watchlist, '--storage', storage.azurite.connectionString]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/BASELINE\s+cli-human/);
    expect(result.stdout).toContain('0 changed, 0 unchanged, 1 baseline, 0 error');

    // A change names its severity and the claims that moved, with the section that says them.
    server.setText('/cli/human.md', noticeV2());
    const changed = await runCli(['drift', '--watchlist', watchlist, '--storage', storage.azurite.connectionString]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/CHANGED\s+cli-human: text changed, .*severity medium/);
    expect(changed.stdout).toContain(
      'claim    retention changed: 90 days -> 180 days (Contoso Insights privacy notice > Data we collect)',
    );
  });

  it('keeps snapshots between runs with the embedded Azurite', async () => {
    process.env.NOTICEWATCH_DATA_DIR = join(dir, 'embedded');
    server.setText('/cli/embedded.md', noticeV1());
    const watchlist = writeWatchlist('embedded.json', [
      { id: 'cli-embedded', url: `${server.origin}/cli/embedded.md`, format: 'markdown' },
    ]);
    const saved = process.env.AZURE_STORAGE_CONNECTION_STRING;
    delete process.env.AZURE_STORAGE_CONNECTION_STRING;
    try {
      const first = await runCli(['run', '--watchlist', watchlist, '--json']);
      expect(first.stderr).toContain('starting an embedded Azurite');
      expect(JSON.parse(first.stdout).notices[0].status).toBe('baseline');
      const second = await runCli(['run', '--watchlist', watchlist, '--json']);
      expect(JSON.parse(second.stdout).notices[0].status).toBe('unchanged');
    } finally {
      if (saved !== undefined) process.env.AZURE_STORAGE_CONNECTION_STRING = saved;
    }
  });

  it('exits 2 with a clear message on usage and configuration trouble', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const badTimeout = await runCli(['drift', '--timeout', 'soon']);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toContain('--timeout must be a positive whole number');
    const missing = await runCli(['drift', '--watchlist', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('WATCHLIST_UNREADABLE');
    const badNotice = await runCli([
      'drift',
      '--watchlist',
      writeWatchlist('x.json', []),
      '--notice',
      'absent',
      '--storage',
      storage.azurite.connectionString,
    ]);
    expect(badNotice.code).toBe(2);
    expect(badNotice.stderr).toContain('NOTICE_NOT_FOUND');
  });
});

describe('noticewatch diff', () => {
  it('reports a change between two local files, with exit 1, and no change with exit 0', async () => {
    writeFileSync(join(dir, 'old.md'), noticeV2());
    writeFileSync(join(dir, 'new.md'), noticeV3());
    const changed = await runCli(['diff', join(dir, 'old.md'), join(dir, 'new.md'), '--json']);
    expect(changed.code).toBe(1);
    expect(JSON.parse(changed.stdout)).toMatchObject({
      status: 'changed',
      substantive: false,
      metadataChanges: [{ key: 'ms.date' }],
    });
    writeFileSync(join(dir, 'same.md'), noticeV2().replace(/\n/g, '\r\n'));
    const same = await runCli(['diff', join(dir, 'old.md'), join(dir, 'same.md')]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('No change');
  });
});

describe('noticewatch tls', () => {
  it('checks HOST:PORT arguments with a CA bundle: exit 0 when compliant, 1 when not, 2 when unreachable', async () => {
    const pki = buildTestPki();
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, pki.ca.certPem);
    const [modern, legacy] = await Promise.all([
      startTlsServer(pki.good, { min: 'TLSv1.2', max: 'TLSv1.3' }),
      startTlsServer(pki.good, { min: 'TLSv1', max: 'TLSv1.3' }),
    ]);
    try {
      const base = ['--ca', caFile, '--json', '--storage', storage.azurite.connectionString, '--timeout', '2000'];
      const compliant = await runCli(['tls', `localhost:${modern.port}`, ...base]);
      expect(compliant.code).toBe(0);
      const document = JSON.parse(compliant.stdout);
      expect(Object.keys(document).slice(0, 4)).toEqual(['runId', 'startedAt', 'finishedAt', 'endpoints']);
      expect(document.endpoints[0]).toMatchObject({
        host: 'localhost',
        port: modern.port,
        compliant: true,
        protocols: { 'TLSv1.1': 'rejected', 'TLSv1.2': 'accepted' },
        certificate: { trusted: true, hostnameMatches: true },
      });
      expect(document.endpoints[0].report).toMatch(/^tls\/\d{4}\/\d{2}\/\d{2}\//);

      const violation = await runCli(['tls', `localhost:${legacy.port}`, ...base]);
      expect(violation.code).toBe(1);
      expect(JSON.parse(violation.stdout).endpoints[0].findings.map((finding: { id: string }) => finding.id)).toContain(
        'TLS1_0_ACCEPTED',
      );

      const unreachable = await runCli(['tls', `127.0.0.1:${await unusedPort()}`, ...base]);
      expect(unreachable.code).toBe(2);
      expect(JSON.parse(unreachable.stdout).endpoints[0].compliant).toBe(false);

      const human = await runCli([
        'tls',
        `localhost:${legacy.port}`,
        '--ca',
        caFile,
        '--storage',
        storage.azurite.connectionString,
      ]);
      expect(human.stdout).toMatch(/VIOLATION\s+localhost-\d+ localhost:\d+/);
      expect(human.stdout).toContain('TLS1_0_ACCEPTED');
    } finally {
      await Promise.all([modern.close(), legacy.close()]);
    }
  });

  it('rejects a malformed target as a usage error', async () => {
    const result = await runCli(['tls', 'exa mple:99999']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('exa mple:99999');
  });
});

describe('review fixes', () => {
  it('diff reads HTML files the way the watcher does, fragments included', async () => {
    writeFileSync(join(dir, 'old.html'), '<main><h1>Notice</h1><p>We keep data for 90 days.</p></main>');
    writeFileSync(join(dir, 'new.html'), '<main><h1>Notice</h1><p>We keep data for 180 days.</p></main>');
    const result = await runCli(['diff', join(dir, 'old.html'), join(dir, 'new.html'), '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).diff).toContain('+We keep data for 180 days.');
  });

  it('with --json, a run that cannot start still prints one JSON document, and bad numbers stop it before storage starts', async () => {
    const missing = await runCli(['drift', '--watchlist', join(dir, 'absent.json'), '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toEqual({
      error: { code: 'WATCHLIST_UNREADABLE', message: expect.stringContaining('absent.json') },
    });
    const badConcurrency = await runCli(['run', '--concurrency', '0', '--json']);
    expect(badConcurrency.code).toBe(2);
    expect(badConcurrency.stderr).toContain('--concurrency must be a positive whole number');
    expect(badConcurrency.stderr).not.toContain('starting an embedded Azurite');
    const noticeOnRun = await runCli(['run', '--notice', 'x']);
    expect(noticeOnRun.stderr).toContain('--notice applies to drift');
  });
});

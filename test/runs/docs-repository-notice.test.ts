import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { NoticeConfig } from '../../shared/config';
import { type NoticeReport, readReport } from '../../shared/reports';
import { checkNotice, newRunId, readPointer, runDrift } from '../../shared/runs';
import { CONTAINERS } from '../../shared/storage';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { expectStatus } from '../support/notice-results';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { DOCS_REPOS_FIXTURE, serveDirectory } from '../support/raw-file-host';

/**
 * A Microsoft-Docs-shaped repository of our own writing (test/fixtures/docs-repos), served by a
 * loopback server the way raw.githubusercontent.com serves files, watched through the real
 * pipeline against Azurite: a publishing config with a docset and dependent repositories (one a
 * `-pr` repository that answers 404, its public mirror beside it), includes three levels deep,
 * `~/` and `~/../` paths, and a redirection file.
 */

let storage: TestStorage;
let server: NoticeServer;
let clock = 0;

const fast = { timeoutMs: 2_000, retries: 0, retryBackoffMs: 10 };
const REPO = '/ContosoDocs/contoso-cloud-docs/live';
const NOTICE_PATH = `${REPO}/cloud/insights/privacy-notice.md`;
const CONFIG_PATH = `${REPO}/.openpublishing.publish.config.json`;
const MIRROR_INCLUDE = '/ContosoDocs/contoso-shared-text/main/privacy/data-subject-requests.md';
const PR_INCLUDE = '/ContosoDocs/contoso-shared-text-pr/main/privacy/data-subject-requests.md';

function version(n: number): string {
  return readFileSync(join(DOCS_REPOS_FIXTURE, 'notice-versions', `v${n}.md`), 'utf8');
}

function docsNotice(id: string, path: string): NoticeConfig {
  return { id, url: `${server.origin}${path}`, format: 'markdown', repositoryRoot: `${server.origin}${REPO}/` };
}

function nextRun() {
  clock += 1;
  const startedAt = new Date(Date.UTC(2026, 11, 2, 6, 0, clock));
  return { runId: newRunId(startedAt, `d${clock}`), startedAt };
}

/** A run identity as checkNotice takes it. */
function runIdentity() {
  const run = nextRun();
  return { runId: run.runId, startedAt: run.startedAt.toISOString() };
}

function requestsTo(path: string): number {
  return server.requests.filter((request) => request.path === path).length;
}

async function snapshotText(name: string): Promise<string> {
  const found = await storage.store.get(CONTAINERS.snapshots, name);
  if (!found.ok || !found.value) throw new Error(`snapshot ${name} missing`);
  return found.value.body.toString('utf8');
}

beforeAll(async () => {
  [storage, server] = await Promise.all([startTestStorage(), startNoticeServer()]);
  // The notice versions are served one at a time below, not as repository files.
  serveDirectory(server, DOCS_REPOS_FIXTURE, (path) => path.startsWith('/notice-versions/'));
});
afterAll(async () => {
  await Promise.all([storage?.stop(), server?.close()]);
});

describe('a notice in a Microsoft Docs repository', () => {
  it('is watched through five consecutive versions without error, the last reading a ~/../ include from a -pr repository’s public mirror', async () => {
    const notice = docsNotice('contoso-insights-privacy', NOTICE_PATH);
    // A second notice of the same repository in every run: the publishing config is read once per run.
    const companion = docsNotice('contoso-insights-companion', `${REPO}/cloud/insights/companion.md`);
    server.setText(
      companion.url.slice(server.origin.length),
      '# Companion\n\n[!INCLUDE[footer](~/includes/footer.md)]\n',
    );

    const results = [];
    for (let n = 1; n <= 5; n += 1) {
      server.setText(NOTICE_PATH, version(n), { contentType: 'text/plain; charset=utf-8' });
      const configReadsBefore = requestsTo(CONFIG_PATH);
      const summary = await runDrift(storage.store, [notice, companion], { ...nextRun(), fetchOptions: fast });
      expect(requestsTo(CONFIG_PATH) - configReadsBefore, `config reads in run ${n}`).toBe(1);
      expect(summary.problems).toEqual([]);
      const result = summary.notices.find((entry) => entry.id === notice.id)!;
      expect(result.error, `version ${n}`).toBeUndefined();
      results.push(result);
    }
    expect(results.map((result) => result.status)).toEqual(['baseline', 'changed', 'changed', 'changed', 'changed']);

    // Includes three levels deep, resolved relative to the notice.
    const includes = `${server.origin}${REPO}/cloud/includes`;
    expect(results[0].includes).toEqual([
      `${includes}/product-name.md`,
      `${includes}/data-processing.md`,
      `${includes}/subprocessors.md`,
      `${includes}/region-list.md`,
    ]);
    // v4 adds a docset-root footer; v5 a paragraph from the dependent repository, read from the mirror.
    expect(results[3].includes).toContain(`${includes}/footer.md`);
    expect(results[4].includes).toContain(`${server.origin}${MIRROR_INCLUDE}`);
    expect(results[4].includes!.some((url) => url.includes('-pr/'))).toBe(false);
    expect(requestsTo(PR_INCLUDE)).toBeGreaterThan(0);

    const last = await snapshotText(results[4].currentSnapshot!);
    expect(last).not.toMatch(/\[!include/i);
    expect(last).toContain('Contoso Cloud Insights processes the records');
    expect(last).toContain('- Southeast Asia (Singapore)');
    expect(last).toContain('files a data subject request in the Contoso admin center');
    expect(last).toContain('This page is part of the Contoso Cloud documentation.');
    expect(expectStatus(results[4], 'changed').sections.map((section) => section.heading)).toEqual(
      expect.arrayContaining([expect.stringContaining('Your rights')]),
    );

    const report = await readReport<NoticeReport>(storage.store, results[4].report!);
    expect(report.ok && report.value?.includes).toEqual(results[4].includes);
  });

  it('reports a moved source as NOTICE_MOVED, naming its new place, and leaves the record alone', async () => {
    const moved = docsNotice('contoso-insights-moved', `${REPO}/cloud/insights-enterprise/privacy-notice.md`);
    const result = await checkNotice(moved, runIdentity(), {
      store: storage.store,
      fetchOptions: fast,
    });
    expect(result.status).toBe('error');
    expect(result.error).toEqual({
      code: 'NOTICE_MOVED',
      message: expect.stringContaining('moved to /contoso-cloud/insights/privacy-notice'),
    });
    const pointer = await readPointer(storage.store, moved.id);
    expect(pointer.ok && pointer.value.pointer).toBeNull();
    // The move is never followed.
    expect(requestsTo('/contoso-cloud/insights/privacy-notice')).toBe(0);

    const gone = docsNotice('contoso-insights-gone', `${REPO}/cloud/insights/never-existed.md`);
    const missing = await checkNotice(gone, runIdentity(), {
      store: storage.store,
      fetchOptions: fast,
    });
    expect(missing.error?.code).toBe('HTTP_STATUS');
    expect(missing.error?.message).toContain('HTTP 404');
  });

  it('handles a notice that uses one include 130 times', async () => {
    const path = `${REPO}/cloud/insights/product-heavy.md`;
    const body = Array.from(
      { length: 130 },
      (_, index) => `Feature ${index + 1} of [!INCLUDE[product-name](../includes/product-name.md)] is described here.`,
    ).join('\n\n');
    server.setText(path, `---\ntitle: Heavy\n---\n# Heavy\n\n${body}\n`);
    const readsBefore = requestsTo(`${REPO}/cloud/includes/product-name.md`);
    const result = await checkNotice(docsNotice('contoso-insights-heavy', path), runIdentity(), {
      store: storage.store,
      fetchOptions: fast,
    });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('baseline');
    expect(result.includes).toEqual([`${server.origin}${REPO}/cloud/includes/product-name.md`]);
    expect(requestsTo(`${REPO}/cloud/includes/product-name.md`) - readsBefore).toBe(1);
    expect((await snapshotText(result.currentSnapshot!)).match(/of Contoso Cloud Insights is described/g)).toHaveLength(
      130,
    );
  });

  it('fails a ~/ include it cannot place with INCLUDE_DOCSET_UNKNOWN, without asking for a guessed URL', async () => {
    const path = '/unplaced/privacy.md';
    server.setText(path, '# Unplaced\n\n[!INCLUDE[dsr](~/../shared-text/privacy/data-subject-requests.md)]\n');
    const before = server.requests.length;
    const result = await checkNotice(
      { id: 'unplaced-notice', url: `${server.origin}${path}`, format: 'markdown' },
      runIdentity(),
      { store: storage.store, fetchOptions: fast },
    );
    expect(result.error).toEqual({
      code: 'INCLUDE_DOCSET_UNKNOWN',
      message: expect.stringContaining('Set repositoryRoot'),
    });
    expect(server.requests.slice(before).map((request) => request.path)).toEqual([path]);
  });

  it('fails with PUBLISH_CONFIG_INVALID naming a malformed publishing config', async () => {
    const root = '/ContosoDocs/broken-docs/live';
    server.setText(
      `${root}/.openpublishing.publish.config.json`,
      '{ "docsets_to_publish": [ { "build_source_folder": ',
    );
    server.setText(`${root}/docs/privacy.md`, '# Broken\n\n[!INCLUDE[x](~/includes/x.md)]\n');
    const result = await checkNotice(
      {
        id: 'broken-config',
        url: `${server.origin}${root}/docs/privacy.md`,
        format: 'markdown',
        repositoryRoot: `${server.origin}${root}/`,
      },
      runIdentity(),
      { store: storage.store, fetchOptions: fast },
    );
    expect(result.error).toEqual({
      code: 'PUBLISH_CONFIG_INVALID',
      message: expect.stringContaining(`${server.origin}${root}/.openpublishing.publish.config.json`),
    });
  });
});

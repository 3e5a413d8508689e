import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeFeedsHttpHandler } from '../../functions/feeds-http';
import { fail } from '../../shared/common/result';
import { parseWatchlist } from '../../shared/config';
import { type ChangeEntry, changesFeed, MAX_FEED_ENTRIES } from '../../shared/feeds';
import { indexChanges, readChangeIndex } from '../../shared/feeds/change-index';
import { newRunId, runDrift } from '../../shared/runs';
import { MemoryObjectStore } from '../../shared/storage';
import { testContext, testDeps } from '../support/function-harness';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { noticeV1, noticeV2, noticeV3 } from '../support/sample-notices';

/**
 * The Atom feeds, read through their HTTP handler after real drift runs, and checked with a real
 * XML parser: well-formed, the Atom namespace, the elements RFC 4287 requires, newest first, bounded.
 */

const ATOM = 'http://www.w3.org/2005/Atom';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let server: NoticeServer;
const store = new MemoryObjectStore();
let document: { notices: object[] };
let clock = Date.UTC(2026, 11, 1, 6, 0, 0);

/** A heading and words that try to break out of the XML and of the feed reader (enough text not to read as a heading alone). */
const HOSTILE = `---
title: Hostile
---
# Terms <script>alert(1)</script> & "quotes"

We keep data for 30 days.

We share it with no one, and you can ask us to delete it at any time.
`;
const HOSTILE_V2 = HOSTILE.replace(
  'We keep data for 30 days.',
  'We keep data ]]> <b>forever</b> & \u0001\u0008 ever\uFFFF.',
);

beforeAll(async () => {
  server = await startNoticeServer();
  document = {
    notices: [
      { id: 'contoso', url: `${server.origin}/contoso.md`, format: 'markdown' },
      { id: 'hostile', url: `${server.origin}/hostile.md?a=1&b=2`, format: 'markdown' },
      { id: 'quiet', url: `${server.origin}/quiet.md`, format: 'markdown' },
    ],
  };
  server.setText('/quiet.md', noticeV1());
  for (const [contoso, hostile] of [
    [noticeV1(), HOSTILE],
    [noticeV2(), HOSTILE_V2],
    [noticeV3(), HOSTILE_V2],
  ]) {
    server.setText('/contoso.md', contoso);
    server.setText('/hostile.md', hostile);
    clock += 3600_000;
    const startedAt = new Date(clock);
    const parsed = parseWatchlist(document);
    if (!parsed.ok) throw new Error(parsed.problem.message);
    await runDrift(store, parsed.value.notices, {
      runId: newRunId(startedAt),
      startedAt,
      fetchOptions: { timeoutMs: 2_000 },
    });
  }
});
afterAll(() => server?.close());

async function get(path: string, env: NodeJS.ProcessEnv = {}): Promise<HttpResponseInit> {
  const request = new HttpRequest({
    method: 'GET',
    url: `https://nw.example.org/api/feeds/${path}?code=secret-function-key`,
    params: { path },
  });
  return makeFeedsHttpHandler(testDeps(store, document, env))(request, testContext('feedsRead').context);
}

interface AtomLink {
  '@_rel'?: string;
  '@_href': string;
}
interface AtomEntry {
  id: string;
  title: string;
  updated: string;
  link: AtomLink[];
  summary: { '#text': string };
  category: Array<{ '@_term': string }>;
}

/** Parses a feed with a real XML parser after validating it, and checks what RFC 4287 requires of it. */
function parseAtom(xml: string): { feed: Record<string, unknown>; entries: AtomEntry[] } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    isArray: (name) => ['entry', 'link', 'category'].includes(name),
  }).parse(xml) as { feed: Record<string, unknown> };
  const feed = parsed.feed;
  expect(feed['@_xmlns']).toBe(ATOM);
  for (const required of ['id', 'title', 'updated', 'author']) expect(feed[required], required).toBeTruthy();
  expect(String(feed.updated)).toMatch(RFC3339);
  const links = feed.link as AtomLink[];
  expect(links.find((link) => link['@_rel'] === 'self')?.['@_href']).toMatch(/^https:\/\//);
  const entries = (feed.entry ?? []) as AtomEntry[];
  for (const entry of entries) {
    for (const required of ['id', 'title', 'updated'] as const) expect(entry[required], required).toBeTruthy();
    expect(entry.updated).toMatch(RFC3339);
    expect(entry.id).toMatch(/^tag:noticewatch\.dev,2026:change:drift\//);
    expect(entry.link.find((link) => link['@_rel'] === 'alternate')?.['@_href']).toMatch(
      /\/api\/dashboard\/#change=drift%2F/,
    );
    expect(entry.link.find((link) => link['@_rel'] === 'related')?.['@_href']).toMatch(
      /\/api\/reports\/drift\/.+\.json$/,
    );
  }
  const times = entries.map((entry) => entry.updated);
  expect([...times].sort().reverse()).toEqual(times);
  return { feed, entries };
}

describe('GET /api/feeds/changes.atom', () => {
  it('is valid Atom with every change, newest first, linking the change view and the report', async () => {
    const response = await get('changes.atom');
    expect(response.status).toBe(200);
    expect((response.headers as Record<string, string>)['Content-Type']).toBe('application/atom+xml; charset=utf-8');
    const xml = String(response.body);
    const { entries } = parseAtom(xml);
    // contoso: v2 (wording) and v3 (metadata only); hostile: one change. Baselines are not changes.
    expect(entries).toHaveLength(3);
    expect(entries.map((entry) => entry.category.map((item) => item['@_term']).join(' ')).sort()).toEqual([
      'metadata',
      'wording alert',
      'wording alert',
    ]);
    // Links are absolute, from the request's origin, and never carry the function key.
    expect(xml).toContain('https://nw.example.org/api/reports/drift/');
    expect(xml).not.toContain('secret-function-key');
  });

  it('carries hostile notice text as text: escaped markup, no characters XML cannot hold', async () => {
    const xml = String((await get('notices/hostile.atom')).body);
    const { entries } = parseAtom(xml);
    expect(entries).toHaveLength(1);
    expect(xml).not.toContain('<b>');
    expect(xml).not.toContain('<script>');
    expect(entries[0].summary['#text']).toContain('forever');
    for (const illegal of ['\u0001', '\u0008', '\uFFFF']) expect(xml).not.toContain(illegal);
  });

  it('uses NOTICEWATCH_PUBLIC_URL for links when it is set', async () => {
    const xml = String((await get('changes.atom', { NOTICEWATCH_PUBLIC_URL: 'https://public.example.com/' })).body);
    parseAtom(xml);
    expect(xml).toContain('https://public.example.com/api/feeds/changes.atom');
    expect(xml).not.toContain('nw.example.org');
  });
});

describe('GET /api/feeds when storage fails', () => {
  it('answers 503 and logs the storage error with its signature redacted', async () => {
    const secret = 'c2lnbmF0dXJlLW9mLXRoZS1mZWVkcw%3D%3D';
    const deps = {
      ...testDeps(store, document),
      getStore: async () =>
        fail(
          'STORAGE_UNAVAILABLE',
          `Storage answered 503 for https://acct.blob.core.windows.net/state/x?sv=1&sig=${secret}`,
        ),
    };
    const request = new HttpRequest({
      method: 'GET',
      url: 'https://nw.example.org/api/feeds/changes.atom',
      params: { path: 'changes.atom' },
    });
    const { context, logs } = testContext('feedsRead');
    const response = await makeFeedsHttpHandler(deps)(request, context);

    expect(response.status).toBe(503);
    expect(JSON.stringify(response.jsonBody)).not.toContain(secret);
    expect(logs.map((log) => log.message).join('\n')).toContain('feeds: [STORAGE_UNAVAILABLE]');
    expect(logs.map((log) => log.message).join('\n')).not.toContain(secret);
  });
});

describe('GET /api/feeds/notices/{id}.atom', () => {
  it("lists one notice's changes only", async () => {
    const { entries, feed } = parseAtom(String((await get('notices/contoso.atom')).body));
    expect(feed.id).toBe('tag:noticewatch.dev,2026:feed:notice:contoso');
    expect(entries).toHaveLength(2);
    expect(entries.every((entry) => entry.id.includes('/contoso/'))).toBe(true);
  });

  it('is an empty valid feed for a watched notice that never changed, and 404 for an unknown one', async () => {
    const quiet = await get('notices/quiet.atom');
    expect(quiet.status).toBe(200);
    expect(parseAtom(String(quiet.body)).entries).toHaveLength(0);
    expect((await get('notices/nope.atom')).status).toBe(404);
    expect((await get('notices/../secrets.atom')).status).toBe(404);
    expect((await get('changes.json')).status).toBe(404);
  });
});

describe('the change index behind the feeds', () => {
  it('adds a change whose run died before indexing it, when a later check names it', async () => {
    const fresh = new MemoryObjectStore();
    const index = await readChangeIndex(store);
    if (!index.ok) throw new Error(index.problem.message);
    const lost = index.value.find((entry) => entry.noticeId === 'hostile')!;
    // Copy the change report into a store whose index never heard of it.
    const report = await store.get('reports', lost.report);
    if (!report.ok || !report.value) throw new Error('report missing');
    await fresh.create('reports', lost.report, report.value.body);
    const named = await indexChanges(
      fresh,
      [
        {
          id: 'hostile',
          url: lost.url,
          runId: 'later',
          checkedAt: '2027-01-01T00:00:00.000Z',
          durationMs: 1,
          status: 'unchanged',
          previousSnapshot: null,
          currentSnapshot: null,
          rawSnapshot: null,
          report: 'drift/2027/01/01/hostile/later.json',
          lastChange: { report: lost.report, at: lost.checkedAt, alert: true },
        },
      ],
      new Date().toISOString(),
    );
    expect(named).toEqual({ ok: true, value: 1 });
    const healed = await readChangeIndex(fresh);
    expect(healed.ok && healed.value.map((entry) => entry.report)).toEqual([lost.report]);
  });

  it(`keeps a feed to the newest ${MAX_FEED_ENTRIES} entries`, () => {
    const entries: ChangeEntry[] = Array.from({ length: MAX_FEED_ENTRIES + 20 }, (_, index) => ({
      noticeId: 'n',
      url: 'https://example.com/n',
      report: `drift/2026/12/01/n/run${String(index).padStart(3, '0')}.json`,
      checkedAt: new Date(Date.UTC(2026, 11, 1, 0, index)).toISOString(),
      runId: `run${index}`,
      alert: true,
      substantive: true,
      recurrence: false,
      title: 'Notice n changed',
      summary: { text: `change ${index}` },
    }));
    const xml = changesFeed(entries, {
      baseUrl: 'https://x.example',
      selfUrl: 'https://x.example/api/feeds/changes.atom',
      now: new Date(),
    });
    const { entries: shown } = parseAtom(xml);
    expect(shown).toHaveLength(MAX_FEED_ENTRIES);
    expect(shown[0].summary['#text']).toContain(`change ${MAX_FEED_ENTRIES + 19}`);
  });
});

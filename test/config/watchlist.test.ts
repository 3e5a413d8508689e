import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  defaultWatchlistPath,
  loadWatchlist,
  MAX_ENTRIES_PER_KIND,
  parseWatchlist,
  parseWatchlistText,
} from '../../shared/config';
import { recordHostileInput } from '../support/reliability-tally';

const good = { id: 'good-notice', url: 'https://example.test/privacy.md', format: 'markdown' };

describe('watchlist validation', () => {
  it('keeps valid entries and names every rejected one', () => {
    const parsed = parseWatchlist({
      notices: [
        good,
        { id: '../escape', url: 'https://example.test/a', format: 'markdown' },
        { id: 'with/slash', url: 'https://example.test/a', format: 'markdown' },
        { id: 'file-url', url: 'file:///etc/passwd', format: 'markdown' },
        { id: 'data-url', url: 'data:text/plain,hello', format: 'markdown' },
        { id: 'ftp-url', url: 'ftp://example.test/privacy.md', format: 'markdown' },
        { id: 'credentials', url: 'https://user:secret@example.test/privacy.md', format: 'markdown' },
        { id: 'unknown-field', url: 'https://example.test/a', format: 'markdown', colour: 'blue' },
        { id: 'bad-format', url: 'https://example.test/a', format: 'pdf' },
        { ...good },
      ],
      endpoints: [
        { id: 'tls-ok', host: 'example.test' },
        { id: 'port-zero', host: 'example.test', port: 0 },
        { id: 'port-huge', host: 'example.test', port: 70000 },
        { id: 'min-bad', host: 'example.test', minTls: '1.4' },
      ],
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.notices.map((notice) => notice.id)).toEqual(['good-notice']);
    expect(parsed.value.endpoints.map((endpoint) => endpoint.id)).toEqual(['tls-ok']);
    const messages = parsed.value.problems.map((problem) => problem.message);
    expect(messages).toHaveLength(12);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/notices\[1\].*id must be lower-case/),
        expect.stringMatching(/notices\[2\].*id must be lower-case/),
        expect.stringMatching(/notices\[3\] \("file-url"\).*(url|scheme)/),
        expect.stringMatching(/notices\[4\] \("data-url"\)/),
        expect.stringMatching(/notices\[5\] \("ftp-url"\)/),
        expect.stringMatching(/notices\[6\] \("credentials"\).*credentials/),
        expect.stringMatching(/notices\[7\] \("unknown-field"\).*unknown field "colour"/),
        expect.stringMatching(/notices\[8\] \("bad-format"\).*format must be one of/),
        expect.stringMatching(/notices\[9\] \("good-notice"\).*duplicate id.*notices\[0\]/),
        expect.stringMatching(/endpoints\[1\] \("port-zero"\).*port/),
        expect.stringMatching(/endpoints\[2\] \("port-huge"\).*port/),
        expect.stringMatching(/endpoints\[3\] \("min-bad"\).*minTls/),
      ]),
    );
    for (const message of messages) recordHostileInput(`watchlist: ${message.replace(/^[^:]*: /, '').slice(0, 50)}`);
  });

  it('links endpoints only to valid notices on the watchlist', () => {
    const parsed = parseWatchlist({
      notices: [good, { id: 'broken-notice', url: 'ftp://example.test/a', format: 'markdown' }],
      endpoints: [
        { id: 'linked', host: 'example.test', notices: ['good-notice'] },
        { id: 'typo', host: 'example.test', notices: ['good-notcie'] },
        { id: 'to-rejected', host: 'example.test', notices: ['good-notice', 'broken-notice'] },
        { id: 'twice', host: 'example.test', notices: ['good-notice', 'good-notice'] },
        { id: 'not-ids', host: 'example.test', notices: ['../x'] },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.problem.message);
    expect(parsed.value.endpoints).toEqual([{ id: 'linked', host: 'example.test', notices: ['good-notice'] }]);
    expect(parsed.value.problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/notices\[1\] \("broken-notice"\)/),
      'endpoints[1] ("typo"): notices: "good-notcie" is not a valid notice on this watchlist',
      'endpoints[2] ("to-rejected"): notices: "broken-notice" is not a valid notice on this watchlist',
      expect.stringMatching(/endpoints\[3\] \("twice"\).*duplicate/),
      expect.stringMatching(/endpoints\[4\] \("not-ids"\).*notices/),
    ]);
  });

  it('rejects invalid JSON and non-objects with a clear message', () => {
    const broken = parseWatchlistText('{ "notices": [', 'test.json');
    expect(broken.ok).toBe(false);
    if (!broken.ok)
      expect(broken.problem).toMatchObject({
        code: 'WATCHLIST_INVALID_JSON',
        message: expect.stringContaining('test.json is not valid JSON'),
      });
    const list = parseWatchlist([good]);
    expect(list.ok).toBe(false);
    const notArray = parseWatchlist({ notices: { a: 1 } });
    expect(notArray.ok && notArray.value.problems[0].message).toContain('"notices" must be an array');
    recordHostileInput('watchlist: invalid JSON');
    recordHostileInput('watchlist: not an object');
  });

  it('caps huge lists quickly and says so', () => {
    const notices = Array.from({ length: MAX_ENTRIES_PER_KIND + 5 }, (_, index) => ({
      id: `n-${index}`,
      url: `https://example.test/${index}`,
      format: 'markdown',
    }));
    const started = performance.now();
    const parsed = parseWatchlist({ notices });
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(parsed.ok && parsed.value.notices.length).toBe(MAX_ENTRIES_PER_KIND);
    expect(parsed.ok && parsed.value.problems.map((problem) => problem.code)).toEqual(['WATCHLIST_TOO_LARGE']);
    recordHostileInput('watchlist: huge list');
  });

  it('loads files, reporting unreadable ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nw-watchlist-'));
    writeFileSync(join(dir, 'w.json'), `\uFEFF${JSON.stringify({ notices: [good] })}`);
    const loaded = await loadWatchlist(join(dir, 'w.json'));
    expect(loaded.ok && loaded.value.notices).toEqual([good]);
    const missing = await loadWatchlist(join(dir, 'missing.json'));
    expect(!missing.ok && missing.problem.code).toBe('WATCHLIST_UNREADABLE');
  });

  it('ships a default watchlist that validates cleanly', async () => {
    const loaded = await loadWatchlist(defaultWatchlistPath());
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.value.problems).toEqual([]);
    expect(loaded.value.notices.map((notice) => notice.format)).toEqual(expect.arrayContaining(['markdown', 'html']));
    expect(loaded.value.notices.some((notice) => notice.url.includes('ce/sales-enterprise/privacy-notice.md'))).toBe(
      true,
    );
  });
});

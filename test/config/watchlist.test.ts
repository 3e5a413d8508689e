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

  it('links endpoints only to valid notices of the watchlist, keeping the endpoint when one is unknown', () => {
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
    expect(parsed.value.endpoints).toEqual([
      { id: 'linked', host: 'example.test', notices: ['good-notice'] },
      { id: 'typo', host: 'example.test', notices: [] },
      { id: 'to-rejected', host: 'example.test', notices: ['good-notice'] },
    ]);
    expect(parsed.value.problems.map((problem) => [problem.code, problem.message])).toEqual([
      ['WATCHLIST_ENTRY_INVALID', expect.stringMatching(/notices\[1\] \("broken-notice"\)/)],
      ['WATCHLIST_ENTRY_INVALID', expect.stringMatching(/endpoints\[3\] \("twice"\).*duplicate/)],
      ['WATCHLIST_ENTRY_INVALID', expect.stringMatching(/endpoints\[4\] \("not-ids"\).*notices/)],
      [
        'WATCHLIST_NOTICE_UNKNOWN',
        'endpoints "typo": notices names "good-notcie", not a valid notice on the watchlist; the endpoint is checked without that notice\'s promises',
      ],
      ['WATCHLIST_NOTICE_UNKNOWN', expect.stringContaining('endpoints "to-rejected": notices names "broken-notice"')],
    ]);
  });

  it('takes allowPrivateRedirects as a boolean opt-in per notice, nothing else', () => {
    const parsed = parseWatchlist({
      notices: [
        { ...good, id: 'intranet', allowPrivateRedirects: true },
        { ...good, id: 'explicit-off', allowPrivateRedirects: false },
        { ...good, id: 'stringly', allowPrivateRedirects: 'yes' },
      ],
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.notices.map((notice) => [notice.id, notice.allowPrivateRedirects])).toEqual([
      ['intranet', true],
      ['explicit-off', false],
    ]);
    expect(parsed.value.problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/notices\[2\] \("stringly"\).*allowPrivateRedirects must be boolean/),
    ]);
  });

  it('rejects invalid JSON and non-objects with a clear message', () => {
    const broken = parseWatchlistText('{ "notices": [', 'test.json');
    expect(broken.ok).toBe(false);
    if (!broken.ok)
      expect(broken.problem).toMatchObject({
        code: 'WATCHLIST_JSON_INVALID',
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
    // The notice's current source (it moved from ce/sales-enterprise/), and its Learn page.
    const urls = loaded.value.notices.map((notice) => notice.url);
    expect(urls).toContain(
      'https://raw.githubusercontent.com/MicrosoftDocs/dynamics-365-customer-engagement/live/ce/sales/privacy-notice.md',
    );
    expect(urls).toContain('https://learn.microsoft.com/en-us/dynamics365/sales/privacy-notice');
  });

  it('accepts the repository fields and rejects the ones that disagree with the URL', () => {
    const root = 'https://mirror.example/Owner/repo/live/';
    const parsed = parseWatchlist({
      notices: [
        {
          id: 'mirrored',
          url: `${root}docs/privacy.md`,
          format: 'markdown',
          repositoryRoot: root,
          docsetRoot: 'docs',
          dependentRepositories: { 'shared-content': 'https://mirror.example/Owner/shared/live/' },
        },
        {
          id: 'raw-derived',
          url: 'https://raw.githubusercontent.com/Owner/repo/live/docs/privacy.md',
          format: 'markdown',
          docsetRoot: '',
        },
        {
          id: 'not-under-root',
          url: 'https://mirror.example/other/privacy.md',
          format: 'markdown',
          repositoryRoot: root,
        },
        { id: 'root-no-slash', url: `${root}docs/privacy.md`, format: 'markdown', repositoryRoot: root.slice(0, -1) },
        {
          id: 'root-credentials',
          url: 'https://u:p@mirror.example/r/a.md',
          format: 'markdown',
          repositoryRoot: 'https://u:p@mirror.example/r/',
        },
        { id: 'docset-no-root', url: 'https://mirror.example/r/a.md', format: 'markdown', docsetRoot: 'docs' },
        {
          id: 'docset-escapes',
          url: `${root}docs/privacy.md`,
          format: 'markdown',
          repositoryRoot: root,
          docsetRoot: '../x',
        },
        {
          id: 'dependency-bad-url',
          url: `${root}docs/privacy.md`,
          format: 'markdown',
          repositoryRoot: root,
          dependentRepositories: { shared: 'ftp://mirror.example/shared/' },
        },
        {
          id: 'dependency-bad-folder',
          url: `${root}docs/privacy.md`,
          format: 'markdown',
          repositoryRoot: root,
          dependentRepositories: { '../up': 'https://mirror.example/shared/' },
        },
      ],
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.notices.map((notice) => notice.id)).toEqual(['mirrored', 'raw-derived']);
    const messages = parsed.value.problems.map((problem) => problem.message);
    expect(messages).toEqual([
      expect.stringMatching(/"not-under-root".*url must lie under repositoryRoot/),
      expect.stringMatching(/"root-no-slash".*repositoryRoot/),
      expect.stringMatching(/"root-credentials".*credentials/),
      expect.stringMatching(/"docset-no-root".*need repositoryRoot/),
      expect.stringMatching(/"docset-escapes".*docsetRoot/),
      expect.stringMatching(/"dependency-bad-url".*dependentRepositories/),
      expect.stringMatching(/"dependency-bad-folder".*dependentRepositories/),
    ]);
  });
});

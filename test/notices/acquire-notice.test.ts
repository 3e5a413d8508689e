import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  acquireNotice,
  type AcquireOptions,
  type Acquisition,
  documentFromSnapshotText,
  hashSnapshot,
  normaliseText,
} from '../../shared/notices';
import { NOTICE_FIXTURES, type NoticeServer, respond, startNoticeServer } from '../support/notice-server';

let server: NoticeServer;
beforeAll(async () => {
  server = await startNoticeServer({ fixtures: NOTICE_FIXTURES });
});
afterAll(async () => {
  await server.close();
});

const FAST: AcquireOptions = { timeoutMs: 3_000, retries: 0, retryBackoffMs: 10 };

async function acquired(
  path: string,
  options: AcquireOptions = FAST,
  format: 'markdown' | 'html' = 'markdown',
  selector?: string,
) {
  const result = await acquireNotice({ id: 'test', url: server.origin + path, format, selector }, options);
  if (!result.ok) throw new Error(`unexpected failure ${result.problem.code}: ${result.problem.message}`);
  return result.value;
}

async function problem(path: string, options: AcquireOptions = FAST) {
  const result = await acquireNotice({ id: 'test', url: server.origin + path, format: 'markdown' }, options);
  if (result.ok) throw new Error(`expected ${path} to fail`);
  return result.problem;
}

function fetched(value: Acquisition): Extract<Acquisition, { kind: 'fetched' }> {
  if (value.kind !== 'fetched') throw new Error('expected a fetched acquisition');
  return value;
}

describe('acquireNotice (Microsoft-Docs-style markdown with includes)', () => {
  it('builds the canonical snapshot: front matter as published, includes resolved, code examples untouched', async () => {
    const value = fetched(await acquired('/contoso-docs/privacy-statement.md'));
    const { document } = value;
    expect(document.metadata).toEqual({
      title: 'Contoso Cloud privacy statement',
      description: 'How Contoso Cloud handles the personal data of its customers.',
      'ms.date': '2024-03-01T00:00:00.000Z',
      author: 'fakewriter',
      'ms.author': 'fakewriter',
      'ms.service': 'contoso-cloud',
      'ms.topic': 'legal',
    });
    expect(document.text.startsWith('---\ntitle: Contoso Cloud privacy statement\ndescription: How Contoso')).toBe(
      true,
    );
    expect(document.text).toContain('ms.date: 2024-03-01\n');
    expect(document.text).toContain('ms.topic: legal\n---\n# Contoso Cloud privacy statement\n');
    expect(document.body).toContain(
      'Contoso Cloud is a made-up service used to test noticewatch.\nIt keeps personal data only as long as it needs it.',
    );
    expect(document.body).toContain('### Retention\n\nWe keep logs for 30 days. Our legal basis is your consent.');
    expect(document.body).toContain('## Your rights\n\nWrite to privacy@contoso.example to exercise your rights.');
    // Front matter of includes is stripped, not inlined.
    expect(document.body).not.toContain('ms.topic: include');
    expect(document.body).not.toContain('title: contact include');
    // The example inside the fence stays a directive and is never fetched.
    expect(document.body).toContain('[!INCLUDE[example](includes/not-fetched.md)]');
    expect(server.requests.some((r) => r.url.includes('not-fetched'))).toBe(false);

    expect(value.includeUrls).toEqual([
      `${server.origin}/contoso-docs/includes/intro.md`,
      `${server.origin}/contoso-docs/includes/retention.md`,
      `${server.origin}/contoso-docs/includes/legal-basis.md`,
      `${server.origin}/docs-shared/contact.md`,
    ]);
    expect(value.hash).toBe(hashSnapshot(document.text));
    expect(value.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(normaliseText(document.text)).toBe(document.text);
    expect(documentFromSnapshotText(document.text)).toEqual(document);
    expect(value.raw.toString('utf8')).toContain('[!INCLUDE[intro](includes/intro.md)]');
  });

  it('hashes the same published text the same, whatever the line endings and trailing spaces', async () => {
    const text = '---\ntitle: Same\n---\n# Same notice\n\nWe collect little.\n';
    server.routes.set('/lf.md', respond(200, text));
    server.routes.set('/crlf.md', respond(200, '\ufeff' + text.replace(/\n/g, '  \r\n') + '\r\n\r\n'));
    const lf = fetched(await acquired('/lf.md'));
    const crlf = fetched(await acquired('/crlf.md'));
    expect(crlf.hash).toBe(lf.hash);
    expect(crlf.raw.equals(lf.raw)).toBe(false);
  });

  it('sends the validators and returns not-modified on 304, without fetching includes', async () => {
    let includeHits = 0;
    const includeValidators: Array<string | undefined> = [];
    server.routes.set('/cond-notice.md', (req, res) => {
      if (
        req.headers['if-none-match'] === '"n1"' &&
        req.headers['if-modified-since'] === 'Wed, 03 Apr 2024 00:00:00 GMT'
      )
        res.writeHead(304).end();
      else res.writeHead(200).end('[!INCLUDE[](cond-include.md)]');
    });
    server.routes.set('/cond-include.md', (req, res) => {
      includeHits += 1;
      includeValidators.push(req.headers['if-none-match'] ?? req.headers['if-modified-since']);
      res.writeHead(200).end('Included text.');
    });
    const notModified = await acquired('/cond-notice.md', {
      ...FAST,
      conditional: { etag: '"n1"', lastModified: 'Wed, 03 Apr 2024 00:00:00 GMT' },
    });
    expect(notModified).toEqual({ kind: 'not-modified' });
    expect(includeHits).toBe(0);
    const full = fetched(await acquired('/cond-notice.md', { ...FAST, conditional: { etag: '"old"' } }));
    expect(full.document.body).toBe('Included text.\n');
    expect(includeHits).toBe(1);
    // Includes are never fetched conditionally.
    expect(includeValidators).toEqual([undefined]);
  });

  it('fails the whole acquisition when an include is missing', async () => {
    server.routes.set('/with-missing.md', respond(200, '# Notice\n\n[!INCLUDE[gone](includes/gone.md)]\n'));
    const p = await problem('/with-missing.md');
    expect(p.code).toBe('HTTP_STATUS');
    expect(p.message).toContain(`Include ${server.origin}/includes/gone.md`);
    expect(p.message).toContain('404');
  });

  it('fails with a timeout naming the include that never answers', async () => {
    server.routes.set('/with-slow.md', respond(200, '# Notice\n\n[!INCLUDE[slow](slow-include.md)]\n'));
    server.routes.set('/slow-include.md', () => undefined);
    const p = await problem('/with-slow.md', { ...FAST, timeoutMs: 200 });
    expect(p.code).toBe('FETCH_TIMEOUT');
    expect(p.message).toContain(`Include ${server.origin}/slow-include.md`);
  });

  it('fails on cyclic and too deeply nested includes served over HTTP', async () => {
    server.routes.set('/cyc/notice.md', respond(200, '[!INCLUDE[](a.md)]'));
    server.routes.set('/cyc/a.md', respond(200, '[!INCLUDE[](sub/b.md)]'));
    server.routes.set('/cyc/sub/b.md', respond(200, '[!INCLUDE[](../a.md)]'));
    expect(await problem('/cyc/notice.md')).toMatchObject({
      code: 'INCLUDE_CYCLE',
      message: expect.stringContaining('/cyc/sub/b.md -> '),
    });

    for (let i = 0; i < 4; i++)
      server.routes.set(`/deep/${i}.md`, respond(200, `level ${i} [!INCLUDE[](${i + 1}.md)]`));
    server.routes.set('/deep/4.md', respond(200, 'bottom'));
    expect(await problem('/deep/0.md', { ...FAST, maxIncludeDepth: 3 })).toMatchObject({ code: 'INCLUDE_TOO_DEEP' });
    expect(fetched(await acquired('/deep/0.md', { ...FAST, maxIncludeDepth: 4 })).document.body).toBe(
      'level 0 level 1 level 2 level 3 bottom\n',
    );
  });

  it('refuses an include on another host without contacting it', async () => {
    const other = await startNoticeServer({ fixtures: NOTICE_FIXTURES });
    try {
      server.routes.set('/with-foreign.md', respond(200, `[!INCLUDE[x](${other.origin}/x.md)]`));
      expect(await problem('/with-foreign.md')).toMatchObject({ code: 'INCLUDE_OUTSIDE_SITE' });
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('refuses an include that redirects off the site', async () => {
    const other = await startNoticeServer({ fixtures: NOTICE_FIXTURES });
    try {
      other.routes.set('/x.md', respond(200, 'foreign text'));
      server.routes.set('/with-hop.md', respond(200, '[!INCLUDE[x](hop.md)]'));
      server.routes.set('/hop.md', respond(302, '', { location: `${other.origin}/x.md` }));
      expect(await problem('/with-hop.md')).toMatchObject({
        code: 'INCLUDE_OUTSIDE_SITE',
        message: expect.stringContaining(`redirected to ${other.origin}`),
      });
      // Refused before the redirect is followed: the other host is never contacted.
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('resolves includes relative to the final URL after a redirect', async () => {
    server.routes.set('/old/notice.md', respond(301, '', { location: '/contoso-docs/privacy-statement.md' }));
    const value = fetched(await acquired('/old/notice.md'));
    expect(value.finalUrl).toBe(`${server.origin}/contoso-docs/privacy-statement.md`);
    expect(value.includeUrls[0]).toBe(`${server.origin}/contoso-docs/includes/intro.md`);
  });

  it('refuses an HTML page served where markdown is expected', async () => {
    server.routes.set(
      '/soft-404.md',
      respond(200, '<!DOCTYPE html><html><body><h1>Not found</h1></body></html>', { 'content-type': 'text/html' }),
    );
    expect(await problem('/soft-404.md')).toMatchObject({ code: 'NOT_MARKDOWN' });
  });
});

describe('acquireNotice (html)', () => {
  const page = (main: string) =>
    `<!doctype html><html><head><title>Fabrikam privacy</title><meta name="ms.date" content="05/06/2024"><meta name="x-request-id" content="r-123"></head><body><nav>Menu</nav><article class="notice">${main}</article></body></html>`;

  it('extracts the selector region and puts whitelisted metadata into the snapshot text', async () => {
    server.routes.set(
      '/fabrikam.html',
      respond(200, page('<h1>Fabrikam privacy</h1><p>We collect your email.</p><script>evil()</script>'), {
        'content-type': 'text/html; charset=utf-8',
      }),
    );
    const value = fetched(await acquired('/fabrikam.html', FAST, 'html', 'article.notice'));
    expect(value.document.text).toBe(
      '---\ntitle: "Fabrikam privacy"\nms.date: "05/06/2024"\n---\n# Fabrikam privacy\n\nWe collect your email.\n',
    );
    expect(value.document.metadata).toEqual({ title: 'Fabrikam privacy', 'ms.date': '05/06/2024' });
    expect(value.includeUrls).toEqual([]);
    expect(value.contentType).toBe('text/html; charset=utf-8');
  });

  it('fails with SELECTOR_NOT_FOUND on an error page without the region', async () => {
    server.routes.set(
      '/fabrikam-error.html',
      respond(200, '<html><body><h1>Something went wrong</h1></body></html>', { 'content-type': 'text/html' }),
    );
    const result = await acquireNotice(
      { id: 'x', url: `${server.origin}/fabrikam-error.html`, format: 'html', selector: 'article.notice' },
      FAST,
    );
    expect(result).toMatchObject({ ok: false, problem: { code: 'SELECTOR_NOT_FOUND' } });
  });
});

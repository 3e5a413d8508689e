import net from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type FetchOptions, fetchResource } from '../../shared/notices';
import { OVERRUN_WATCH_MS } from '../../shared/notices/fetch-resource';
import { NOTICE_FIXTURES, type NoticeServer, respond, startNoticeServer } from '../support/notice-server';

let server: NoticeServer;
beforeAll(async () => {
  server = await startNoticeServer({ fixtures: NOTICE_FIXTURES });
});
afterAll(async () => {
  await server.close();
});

/** Fast settings so failure paths finish quickly. */
const FAST: FetchOptions = { timeoutMs: 3_000, retries: 1, retryBackoffMs: 10 };

async function failure(path: string, options: FetchOptions = FAST) {
  const result = await fetchResource(server.origin + path, options);
  if (result.ok) throw new Error(`expected ${path} to fail`);
  return result.problem;
}

function hits(path: string): number {
  return server.requests.filter((r) => r.url === path).length;
}

describe('fetchResource', () => {
  it('fetches a 200 with the raw bytes, decoded text, validators and a descriptive User-Agent', async () => {
    const body = Buffer.from('\ufeff# Privacy\n\nCaf\u00e9 data.\n', 'utf8');
    server.routes.set('/ok.md', respond(200, body, { etag: '"v1"', 'last-modified': 'Mon, 01 Apr 2024 10:00:00 GMT' }));
    const result = await fetchResource(`${server.origin}/ok.md`, FAST);
    expect(result.ok).toBe(true);
    if (!result.ok || result.value.kind !== 'fetched') return;
    expect(result.value.bytes.equals(body)).toBe(true);
    expect(result.value.text).toBe('# Privacy\n\nCaf\u00e9 data.\n');
    expect(result.value).toMatchObject({
      status: 200,
      etag: '"v1"',
      lastModified: 'Mon, 01 Apr 2024 10:00:00 GMT',
      finalUrl: `${server.origin}/ok.md`,
    });
    const request = server.requests.find((r) => r.url === '/ok.md');
    expect(request?.headers['user-agent']).toMatch(
      /^noticewatch\/\d+\.\d+\.\d+\S* \(\+privacy notice drift monitor\)$/,
    );
    expect(request?.headers['if-none-match']).toBeUndefined();
  });

  it('sends If-None-Match and If-Modified-Since and reports 304 as not modified', async () => {
    server.routes.set('/cond.md', (req, res) => {
      if (req.headers['if-none-match'] === '"abc"') res.writeHead(304).end();
      else res.writeHead(200).end('changed');
    });
    const result = await fetchResource(`${server.origin}/cond.md`, {
      ...FAST,
      conditional: { etag: '"abc"', lastModified: 'Tue, 02 Apr 2024 08:00:00 GMT' },
    });
    expect(result).toEqual({ ok: true, value: { kind: 'not-modified', url: `${server.origin}/cond.md` } });
    const request = server.requests.find((r) => r.url === '/cond.md');
    expect(request?.headers['if-none-match']).toBe('"abc"');
    expect(request?.headers['if-modified-since']).toBe('Tue, 02 Apr 2024 08:00:00 GMT');
  });

  it('decodes a non-UTF-8 charset from Content-Type', async () => {
    server.routes.set(
      '/latin1.md',
      respond(200, Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a]), { 'content-type': 'text/plain; charset=ISO-8859-1' }),
    );
    const result = await fetchResource(`${server.origin}/latin1.md`, FAST);
    expect(result.ok && result.value.kind === 'fetched' && result.value.text).toBe('Caf\u00e9\n');
  });

  it('replaces a few invalid UTF-8 bytes with U+FFFD', async () => {
    server.routes.set(
      '/fffd.md',
      respond(
        200,
        Buffer.concat([
          Buffer.from('Privacy notice with one bad byte: '),
          Buffer.from([0xff]),
          Buffer.from(' and more text.\n'),
        ]),
      ),
    );
    const result = await fetchResource(`${server.origin}/fffd.md`, FAST);
    expect(result.ok && result.value.kind === 'fetched' && result.value.text).toContain('byte: \ufffd and');
  });

  it('fails with HTTP_STATUS on 404 without retrying', async () => {
    server.routes.set('/missing.md', respond(404, 'nope'));
    const p = await failure('/missing.md');
    expect(p.code).toBe('HTTP_STATUS');
    expect(p.message).toContain('404');
    expect(p.message).toContain('/missing.md');
    expect(hits('/missing.md')).toBe(1);
  });

  it('retries a 500 once and then reports HTTP_STATUS', async () => {
    server.routes.set('/broken.md', respond(500, 'boom'));
    const p = await failure('/broken.md');
    expect(p.code).toBe('HTTP_STATUS');
    expect(p.message).toContain('500');
    expect(p.message).toContain('2 attempts');
    expect(hits('/broken.md')).toBe(2);
  });

  it('succeeds when a 503 (or 429) is followed by a 200', async () => {
    for (const status of [503, 429]) {
      let calls = 0;
      const path = `/flaky-${status}.md`;
      server.routes.set(path, (_req, res) => {
        calls += 1;
        if (calls === 1) res.writeHead(status).end('busy');
        else res.writeHead(200).end('# Recovered\n');
      });
      const result = await fetchResource(server.origin + path, FAST);
      expect(result.ok && result.value.kind === 'fetched' && result.value.text).toBe('# Recovered\n');
      expect(calls).toBe(2);
    }
  });

  it('times out a server that never answers', async () => {
    server.routes.set('/silent.md', () => undefined);
    const started = Date.now();
    const p = await failure('/silent.md', { timeoutMs: 200, retries: 0 });
    expect(p.code).toBe('FETCH_TIMEOUT');
    expect(p.message).toContain('200 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out a server that stalls after the headers (the timeout covers the body)', async () => {
    server.routes.set('/stall.md', (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('# Started but never finished\n');
    });
    const p = await failure('/stall.md', { timeoutMs: 250, retries: 1, retryBackoffMs: 10 });
    expect(p.code).toBe('FETCH_TIMEOUT');
    expect(hits('/stall.md')).toBe(2);
  });

  it('reports a connection reset mid-body as CONNECTION_RESET', async () => {
    server.routes.set('/reset.md', (_req, res) => {
      res.writeHead(200);
      res.write('# Partial'.padEnd(2000, '.'));
      setTimeout(() => res.socket?.resetAndDestroy(), 20);
    });
    const p = await failure('/reset.md');
    expect(p.code).toBe('CONNECTION_RESET');
    expect(hits('/reset.md')).toBe(2);
  });

  it('detects a body shorter than Content-Length as TRUNCATED_BODY', async () => {
    server.routes.set('/short.md', (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('x'.repeat(100));
      setTimeout(() => res.socket?.end(), 20);
    });
    const started = Date.now();
    const p = await failure('/short.md', { ...FAST, timeoutMs: 5_000 });
    expect(p.code).toBe('TRUNCATED_BODY');
    expect(p.message).toContain('100 of the 1000 bytes');
    // Detected when the connection closes, not by waiting for the timeout.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('detects a chunked body cut off before its last chunk as TRUNCATED_BODY', async () => {
    server.routes.set('/chunked-cut.md', (_req, res) => {
      res.writeHead(200);
      res.write('y'.repeat(50));
      setTimeout(() => res.socket?.end(), 20);
    });
    const p = await failure('/chunked-cut.md', { ...FAST, timeoutMs: 5_000 });
    expect(p.code).toBe('TRUNCATED_BODY');
  });

  it('refuses a body over the size cap and stops reading', async () => {
    let written = 0;
    let stoppedEarly = false;
    server.routes.set('/huge.md', (_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024, 0x61);
      const pump = () => {
        while (written < 50 * 1024 * 1024) {
          if (res.destroyed) return;
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => {
        stoppedEarly = written < 50 * 1024 * 1024;
      });
      pump();
    });
    const p = await failure('/huge.md', { ...FAST, timeoutMs: 5_000, maxBytes: 64 * 1024 });
    expect(p.code).toBe('TOO_LARGE');
    expect(p.message).toContain('65536');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stoppedEarly).toBe(true);
    expect(hits('/huge.md')).toBe(1);
  });

  it('refuses early when Content-Length is over the cap', async () => {
    server.routes.set('/declared-huge.md', respond(200, 'z'.repeat(2048), { 'content-length': '2048' }));
    const p = await failure('/declared-huge.md', { ...FAST, maxBytes: 1024 });
    expect(p.code).toBe('TOO_LARGE');
    expect(p.message).toContain('declares 2048 bytes');
  });

  it('fails with EMPTY_BODY on an empty or blank 200', async () => {
    server.routes.set('/empty.md', respond(200, ''));
    server.routes.set('/blank.md', respond(200, ' \n\n\t'));
    expect((await failure('/empty.md')).code).toBe('EMPTY_BODY');
    expect((await failure('/blank.md')).code).toBe('EMPTY_BODY');
  });

  it('fails with NOT_TEXT on binary content', async () => {
    server.routes.set('/nul.md', respond(200, Buffer.from([0x23, 0x20, 0x00, 0x01, 0x02, 0x41])));
    server.routes.set('/garbage.md', respond(200, Buffer.from(Array.from({ length: 400 }, (_, i) => 0x80 + (i % 64)))));
    server.routes.set('/image.md', respond(200, 'looks like text', { 'content-type': 'image/png' }));
    for (const path of ['/nul.md', '/garbage.md', '/image.md']) {
      const p = await failure(path);
      expect(p.code).toBe('NOT_TEXT');
      expect(p.message).toContain(path);
    }
  });

  it('follows a redirect chain, relative Locations included', async () => {
    server.routes.set('/r1', respond(301, '', { location: '/r2' }));
    server.routes.set('/r2', respond(302, '', { location: `${server.origin}/r3` }));
    server.routes.set('/r3', respond(308, '', { location: 'final.md' }));
    server.routes.set('/final.md', respond(200, '# Final\n'));
    const result = await fetchResource(`${server.origin}/r1`, FAST);
    expect(result.ok && result.value.kind === 'fetched' && result.value.finalUrl).toBe(`${server.origin}/final.md`);
  });

  it('detects a redirect loop and names it', async () => {
    server.routes.set('/loop-a', respond(302, '', { location: '/loop-b' }));
    server.routes.set('/loop-b', respond(302, '', { location: '/loop-a' }));
    const p = await failure('/loop-a');
    expect(p.code).toBe('REDIRECT_LOOP');
    expect(p.message).toContain('/loop-a -> ');
    expect(p.message).toContain('/loop-b');
  });

  it('stops after maxRedirects', async () => {
    for (let i = 0; i < 10; i++) server.routes.set(`/hop${i}`, respond(302, '', { location: `/hop${i + 1}` }));
    const p = await failure('/hop0', { ...FAST, maxRedirects: 3 });
    expect(p.code).toBe('REDIRECT_LIMIT');
    expect(p.message).toContain('more than 3');
    expect(hits('/hop3')).toBe(1);
    expect(hits('/hop4')).toBe(0);
  });

  it('refuses redirects to file: and ftp: URLs', async () => {
    server.routes.set('/to-file', respond(302, '', { location: 'file:///etc/passwd' }));
    server.routes.set('/to-ftp', respond(301, '', { location: 'ftp://files.example/notice.md' }));
    expect(await failure('/to-file')).toMatchObject({
      code: 'REDIRECT_SCHEME',
      message: expect.stringContaining('file:'),
    });
    expect(await failure('/to-ftp')).toMatchObject({
      code: 'REDIRECT_SCHEME',
      message: expect.stringContaining('ftp:'),
    });
  });

  it('rejects non-http(s) and malformed URLs without a request', async () => {
    expect(await fetchResource('file:///etc/hosts')).toMatchObject({ ok: false, problem: { code: 'URL_INVALID' } });
    expect(await fetchResource('not a url')).toMatchObject({ ok: false, problem: { code: 'URL_INVALID' } });
  });

  it('reports a refused connection as FETCH_NETWORK', async () => {
    const closed = await startNoticeServer({ fixtures: NOTICE_FIXTURES });
    const base = closed.origin;
    await closed.close();
    const result = await fetchResource(`${base}/x.md`, FAST);
    expect(result).toMatchObject({ ok: false, problem: { code: 'FETCH_NETWORK' } });
  });

  describe('bodies longer than their framing', () => {
    /** A hand-written HTTP server over net; `answer` writes the response. allowHalfOpen: it may keep writing after our FIN. */
    async function rawServer(
      answer: (socket: net.Socket) => void,
    ): Promise<{ url: string; close: () => Promise<void> }> {
      const sockets = new Set<net.Socket>();
      const srv = net.createServer({ allowHalfOpen: true }, (socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined);
        socket.once('data', () => answer(socket));
      });
      await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
      return {
        url: `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}/notice.md`,
        close: () =>
          new Promise<void>((resolve) => {
            for (const socket of sockets) socket.destroy();
            srv.close(() => resolve());
          }),
      };
    }
    const head = (length: number) =>
      `HTTP/1.1 200 OK\r\nContent-Type: text/markdown\r\nContent-Length: ${length}\r\n\r\n`;
    const text = '# Privacy notice\n\nWe collect names and email addresses.\n';

    it.each([
      ['in the same packet', (socket: net.Socket) => socket.end(head(12) + text)],
      [
        'in a later packet',
        (socket: net.Socket) => {
          socket.write(head(12) + text.slice(0, 12));
          setTimeout(() => socket.end(text.slice(12)), 30);
        },
      ],
      [
        'as a second response',
        (socket: net.Socket) =>
          socket.end(`${head(12)}${text.slice(0, 12)}HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi`),
      ],
    ])(
      'refuses a body longer than Content-Length %s as BODY_OVERRUN (it was a cut-short body)',
      async (_name, answer) => {
        const srv = await rawServer(answer);
        try {
          const result = await fetchResource(srv.url, { ...FAST, retries: 0 });
          expect(result).toMatchObject({
            ok: false,
            problem: {
              code: 'BODY_OVERRUN',
              message: expect.stringContaining('the 12 bytes announced by Content-Length'),
            },
          });
        } finally {
          await srv.close();
        }
      },
    );

    it('accepts a correct response from a server that holds the connection open, after a short watch', async () => {
      const srv = await rawServer((socket) => socket.write(head(Buffer.byteLength(text)) + text));
      try {
        const started = Date.now();
        const result = await fetchResource(srv.url, { ...FAST, retries: 0 });
        const elapsed = Date.now() - started;
        expect(result.ok && result.value.kind === 'fetched' && result.value.text).toBe(text);
        expect(elapsed).toBeGreaterThanOrEqual(OVERRUN_WATCH_MS - 20);
        expect(elapsed).toBeLessThan(OVERRUN_WATCH_MS + 1_000);
      } finally {
        await srv.close();
      }
    });

    it('does not wait when the server closes after the response, as asked', async () => {
      server.routes.set('/prompt.md', respond(200, text));
      const started = Date.now();
      const result = await fetchResource(`${server.origin}/prompt.md`, FAST);
      expect(result.ok).toBe(true);
      expect(Date.now() - started).toBeLessThan(OVERRUN_WATCH_MS);
    });
  });
});

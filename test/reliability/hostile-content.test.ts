import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { NoticeConfig } from '../../shared/config';
import { applyDiff } from '../../shared/diff';
import { type FetchOptions, hashSnapshot } from '../../shared/notices';
import { readReport } from '../../shared/reports';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { expectStatus } from '../support/notice-results';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { recordHostileInput } from '../support/reliability-tally';
import { noticeV1 } from '../support/sample-notices';
import {
  check,
  expectNothingMoved,
  pointerOf,
  reportsOf,
  snapshotText,
  stateOf,
  watchForCrashes,
} from './helpers/drift-harness';

/**
 * Hostile or broken notice content, through checkNotice against a real Azurite: each input gives
 * either a correct snapshot or a clear error, never a crash, an unhandled rejection or a moved pointer.
 */

let storage: TestStorage;
let server: NoticeServer;
let elsewhere: NoticeServer;
const crashes = watchForCrashes();

const FAST: FetchOptions = { timeoutMs: 2_000, retries: 0, retryBackoffMs: 10 };

beforeAll(async () => {
  [storage, server, elsewhere] = await Promise.all([startTestStorage(), startNoticeServer(), startNoticeServer()]);
});
afterAll(async () => {
  crashes.stop();
  await Promise.all([storage?.stop(), server?.close(), elsewhere?.close()]);
});

function noticeAt(id: string): NoticeConfig & { path: string } {
  const path = `/${id}/privacy.md`;
  return { id, url: `${server.origin}${path}`, format: 'markdown', path };
}

/** Serves exact bytes, without validators. */
function serveBytes(path: string, bytes: Buffer | string, contentType = 'text/markdown; charset=utf-8'): void {
  server.set(path, (_req, res) =>
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(bytes) }).end(bytes),
  );
}

async function baseline(notice: NoticeConfig & { path: string }, body: Buffer | string = noticeV1()) {
  serveBytes(notice.path, body);
  const result = await check(storage.store, notice, FAST);
  expect(result.status, JSON.stringify(result.error)).toBe('baseline');
  return result;
}

/** After a good baseline, `hostile` is served: a clear error, nothing moved; the good text again is unchanged. */
async function refusedAfterBaseline(
  id: string,
  hostile: Buffer | string,
  code: string,
  message?: RegExp,
  contentType?: string,
) {
  const notice = noticeAt(id);
  const first = await baseline(notice);
  const before = await stateOf(storage.store, id);
  serveBytes(notice.path, hostile, contentType);
  const failed = await check(storage.store, notice, FAST);
  expect(failed.error?.code, JSON.stringify(failed.error)).toBe(code);
  if (message) expect(failed.error?.message).toMatch(message);
  await expectNothingMoved(storage.store, id, before, failed);
  serveBytes(notice.path, noticeV1());
  const again = await check(storage.store, notice, FAST);
  expect(again.status).toBe('unchanged');
  expect(again.currentSnapshot).toBe(first.currentSnapshot);
  return failed;
}

describe('front matter', () => {
  it('invalid YAML: FRONT_MATTER_INVALID naming the notice', async () => {
    const hostile = noticeV1().replace('author: contoso-docs', 'author: [contoso-docs\n  : : bad: {');
    await refusedAfterBaseline(
      'hostile-yaml',
      hostile,
      'FRONT_MATTER_INVALID',
      /YAML front matter of http:\/\/127\.0\.0\.1:\d+\/hostile-yaml\/privacy\.md is invalid/,
    );
    recordHostileInput('front matter: invalid YAML');
  });

  it('a list, a string or a number instead of a mapping: FRONT_MATTER_INVALID saying what it is', async () => {
    const bodyOnly = noticeV1().slice(noticeV1().indexOf('\n---\n') + 5);
    for (const [suffix, frontMatter, kind] of [
      ['list', '- title: one\n- title: two', 'a list'],
      ['string', 'just a sentence', 'a string'],
      ['number', '42', 'a number'],
    ] as const) {
      await refusedAfterBaseline(
        `hostile-fm-${suffix}`,
        `---\n${frontMatter}\n---\n${bodyOnly}`,
        'FRONT_MATTER_INVALID',
        new RegExp(`is ${kind}, not a mapping`),
      );
    }
    recordHostileInput('front matter: not a mapping');
  });

  it('a ---js block is never evaluated: it is not front matter, just text of the body', async () => {
    const flag = globalThis as { __noticewatchPwned?: boolean };
    flag.__noticewatchPwned = false;
    const notice = noticeAt('hostile-fm-js');
    await baseline(notice);
    const block = '---js\n{ title: (globalThis.__noticewatchPwned = true) }\n---';
    serveBytes(notice.path, `${block}\n${noticeV1().slice(noticeV1().indexOf('\n---\n') + 5)}`);
    const changed = expectStatus(await check(storage.store, notice, FAST), 'changed');
    expect(flag.__noticewatchPwned).toBe(false);
    expect(await snapshotText(storage.store, changed.currentSnapshot)).toMatch(/^---js\n\{ title: \(globalThis/);
    expect(changed.metadataChanges.map((c) => c.key).sort()).toEqual(['author', 'description', 'ms.date', 'title']);
    recordHostileInput('front matter: ---js block');
  });
});

describe('bytes that are not text', () => {
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
    Buffer.from('IHDR'),
    Buffer.alloc(64, 0x11),
  ]);

  it('a PNG served as markdown: NOT_TEXT', async () => {
    await refusedAfterBaseline('hostile-png', png, 'NOT_TEXT', /binary content \(NUL bytes\)/);
    await refusedAfterBaseline('hostile-png-typed', png, 'NOT_TEXT', /Content-Type "image\/png"/, 'image/png');
    recordHostileInput('binary: PNG');
  });

  it('NUL bytes inside otherwise valid text: NOT_TEXT', async () => {
    const text = noticeV1();
    const hostile = Buffer.concat([
      Buffer.from(text.slice(0, 300)),
      Buffer.from([0, 0, 0]),
      Buffer.from(text.slice(300)),
    ]);
    await refusedAfterBaseline('hostile-nul', hostile, 'NOT_TEXT', /NUL bytes/);
    recordHostileInput('binary: NUL bytes in text');
  });

  it('mostly invalid UTF-8: NOT_TEXT', async () => {
    const hostile = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i % 7 === 0 ? 0x41 : 0xc0 + (i % 2))));
    await refusedAfterBaseline(
      'hostile-garbage',
      hostile,
      'NOT_TEXT',
      /not valid utf-8 text \(\d+ undecodable sequences/,
    );
    recordHostileInput('binary: mostly invalid UTF-8');
  });

  it('a few invalid UTF-8 sequences in valid text: U+FFFD, a deterministic hash, and the same bytes again are unchanged', async () => {
    const notice = noticeAt('hostile-bad-utf8');
    const text = noticeV1();
    const at = text.indexOf('account names');
    // A lone continuation byte, a truncated 3-byte sequence, an overlong encoding and a surrogate half.
    const damaged = Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from([0x80]),
      Buffer.from('account '),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('names '),
      Buffer.from([0xc0, 0xaf]),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from(text.slice(at + 'account names'.length)),
    ]);
    const first = await baseline(notice, damaged);
    const stored = await snapshotText(storage.store, first.currentSnapshot!);
    expect(stored).toContain('\ufffdaccount \ufffdnames \ufffd\ufffd\ufffd\ufffd\ufffd');
    expect(hashSnapshot(stored)).toBe((await pointerOf(storage.store, notice.id))?.lastGood?.hash);
    const again = await check(storage.store, notice, FAST);
    expect(again.status).toBe('unchanged');
    expect(again.currentSnapshot).toBe(first.currentSnapshot);
    // The same bytes in 5-byte pieces, splitting sequences across chunks: decoded the same.
    server.set(notice.path, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8' });
      for (let offset = 0; offset < damaged.length; offset += 5) res.write(damaged.subarray(offset, offset + 5));
      res.end();
    });
    const pieces = await check(storage.store, notice, FAST);
    expect(pieces.status, JSON.stringify(pieces.error)).toBe('unchanged');
    recordHostileInput('text: invalid UTF-8 sequences');
  });
});

describe('the same text in other clothes is unchanged', () => {
  it('with and without a UTF-8 BOM, and as UTF-16 with a BOM', async () => {
    const notice = noticeAt('hostile-bom');
    const first = await baseline(notice);
    for (const bytes of [
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(noticeV1())]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(noticeV1(), 'utf16le')]),
      Buffer.from(noticeV1()),
    ]) {
      serveBytes(notice.path, bytes);
      const result = await check(storage.store, notice, FAST);
      expect(result.status, JSON.stringify(result.error)).toBe('unchanged');
      expect(result.currentSnapshot).toBe(first.currentSnapshot);
    }
    expect((await stateOf(storage.store, notice.id)).blobs).toHaveLength(2);
    recordHostileInput('text: BOM');
  });

  it('CRLF, lone CR and mixed line endings', async () => {
    const notice = noticeAt('hostile-eol');
    const first = await baseline(notice);
    const lf = noticeV1();
    let mixedIndex = 0;
    // Mixed: never a lone CR right before an LF, which would make the two one CRLF.
    const mixed = lf.replace(/\n/g, () => ['\r\n', '\n', '\r\n', '\r'][mixedIndex++ % 4]);
    for (const variant of [lf.replace(/\n/g, '\r\n'), lf.replace(/\n/g, '\r'), mixed]) {
      serveBytes(notice.path, variant);
      const result = await check(storage.store, notice, FAST);
      expect(result.status, JSON.stringify(result.error)).toBe('unchanged');
      expect(result.currentSnapshot).toBe(first.currentSnapshot);
    }
    const snapshot = await snapshotText(storage.store, first.currentSnapshot!);
    expect(snapshot).not.toMatch(/\r/);
    recordHostileInput('text: CRLF and lone CR');
  });
});

describe('size', () => {
  it('a body over 5 MiB: TOO_LARGE at the default cap, and the client stops reading', async () => {
    const notice = noticeAt('hostile-huge');
    await baseline(notice);
    const before = await stateOf(storage.store, notice.id);
    const intended = 256 * 1024 * 1024;
    let written = 0;
    let closedAt: number | null = null;
    server.set(notice.path, (_req, res) => {
      // Chunked, so the size is only learnt by reading; a line of notice-like text, repeated.
      res.writeHead(200, { 'content-type': 'text/markdown' });
      const chunk = Buffer.from('We collect personal data and keep it for a while. '.repeat(1300));
      const pump = () => {
        while (written < intended) {
          if (res.destroyed) return;
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => {
        closedAt = written;
      });
      pump();
    });
    const started = Date.now();
    const failed = await check(storage.store, notice, { ...FAST, timeoutMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failed.error?.code).toBe('TOO_LARGE');
    expect(failed.error?.message).toContain(`${5 * 1024 * 1024}-byte limit`);
    await expectNothingMoved(storage.store, notice.id, before, failed);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The connection was closed by the client long before the server was done: at most the cap
    // plus what the socket buffers held was ever produced.
    expect(closedAt).not.toBeNull();
    expect(closedAt!).toBeLessThan(32 * 1024 * 1024);

    serveBytes(notice.path, noticeV1());
    expect((await check(storage.store, notice, FAST)).status).toBe('unchanged');
    recordHostileInput('size: body over 5 MiB');
  });

  it('a 50,000-line single paragraph: accepted, and a one-word change gives an exact diff, each within a time bound', async () => {
    const notice = noticeAt('hostile-long-paragraph');
    const lines = Array.from(
      { length: 50_000 },
      (_, i) => `Clause ${i}: we process personal data for purpose ${i % 97} and keep it ${i % 13} days`,
    );
    const v1 = `# Terms\n\n${lines.join('\n')}\n`;
    serveBytes(notice.path, v1);
    let started = Date.now();
    const first = await check(storage.store, notice, FAST);
    const firstMs = Date.now() - started;
    expect(first.status, JSON.stringify(first.error)).toBe('baseline');
    expect(firstMs).toBeLessThan(10_000);

    const v2 = v1.replace('Clause 31337: we process', 'Clause 31337: we sell');
    serveBytes(notice.path, v2);
    started = Date.now();
    const changed = expectStatus(await check(storage.store, notice, FAST), 'changed');
    const changedMs = Date.now() - started;
    expect(changedMs).toBeLessThan(10_000);
    expect([changed.linesAdded, changed.linesRemoved]).toEqual([1, 1]);
    const before = await snapshotText(storage.store, changed.previousSnapshot);
    const after = await snapshotText(storage.store, changed.currentSnapshot);
    started = Date.now();
    expect(applyDiff(before, changed.diff)).toBe(after);
    expect(Date.now() - started).toBeLessThan(5_000);
    recordHostileInput('size: 50,000-line paragraph');
  });
});

describe('includes', () => {
  it('nested past the depth limit: INCLUDE_TOO_DEEP naming the limit', async () => {
    for (let level = 1; level <= 8; level++)
      server.setText(`/hostile-deep/d${level}.md`, `Level ${level}.\n\n[!INCLUDE[next](d${level + 1}.md)]\n`, {
        etag: null,
      });
    const hostile = `${noticeV1()}\n[!INCLUDE[first](d1.md)]\n`;
    const failed = await refusedAfterBaseline(
      'hostile-deep',
      hostile,
      'INCLUDE_TOO_DEEP',
      /nested more than 5 levels deep: .*d1\.md -> .*d6\.md/,
    );
    expect(server.requests.some((request) => request.path === '/hostile-deep/d6.md')).toBe(false);
    expect(failed.previousSnapshot).not.toBeNull();
    recordHostileInput('includes: too deep');
  });

  it('cyclic: INCLUDE_CYCLE naming the cycle', async () => {
    server.setText('/hostile-cycle/a.md', 'A says hello.\n\n[!INCLUDE[b](sub/b.md)]\n', { etag: null });
    server.setText('/hostile-cycle/sub/b.md', 'B says hello.\n\n[!INCLUDE[a](../a.md)]\n', { etag: null });
    const hostile = `${noticeV1()}\n[!INCLUDE[a](a.md)]\n`;
    const origin = server.origin;
    await refusedAfterBaseline(
      'hostile-cycle',
      hostile,
      'INCLUDE_CYCLE',
      new RegExp(
        `Include cycle: ${origin}/hostile-cycle/privacy\\.md -> ${origin}/hostile-cycle/a\\.md -> ${origin}/hostile-cycle/sub/b\\.md -> ${origin}/hostile-cycle/a\\.md\\.`,
      ),
    );
    await refusedAfterBaseline(
      'hostile-self',
      `${noticeV1()}\n[!INCLUDE[me](privacy.md)]\n`,
      'INCLUDE_CYCLE',
      /privacy\.md -> .*privacy\.md\./,
    );
    recordHostileInput('includes: cycle');
  });

  it('../../../../etc/passwd stays on the notice site: an HTTP path there, never a file', async () => {
    const hostile = `${noticeV1()}\n[!INCLUDE[p](../../../../etc/passwd)]\n`;
    const failed = await refusedAfterBaseline(
      'hostile-traversal',
      hostile,
      'HTTP_STATUS',
      new RegExp(`Include ${server.origin}/etc/passwd .*404`),
    );
    expect(server.requests.filter((request) => request.path === '/etc/passwd')).toHaveLength(1);
    expect(failed.error?.message).not.toMatch(/root:/);
    recordHostileInput('includes: path traversal');
  });

  it('other hosts, ports and schemes are refused without contacting them, redirects included', async () => {
    const otherPort = new URL(elsewhere.origin).port;
    const samePort = new URL(server.origin).port;
    elsewhere.setText('/x.md', 'Foreign text we must never splice in.\n', { etag: null });
    server.set('/hostile-foreign/hop.md', (_req, res) =>
      res.writeHead(302, { location: `${elsewhere.origin}/x.md` }).end(),
    );
    const targets = [
      `${elsewhere.origin}/x.md`,
      `//127.0.0.1:${otherPort}/x.md`,
      `http://localhost:${samePort}/hostile-foreign/x.md`,
      'file:///etc/passwd',
      'data:text/plain,injected',
      '/hostile-foreign/hop.md',
    ];
    for (const [index, target] of targets.entries()) {
      await refusedAfterBaseline(
        `hostile-foreign-${index}`,
        `${noticeV1()}\n[!INCLUDE[x](${target})]\n`,
        'INCLUDE_OUTSIDE_SITE',
      );
    }
    expect(elsewhere.requests).toEqual([]);
    recordHostileInput('includes: other host, port or scheme');
  });
});

describe('markup meant for the dashboard is stored and reported as text', () => {
  it('<script> and <img onerror> in headings and front matter values', async () => {
    const notice = noticeAt('hostile-markup');
    await baseline(notice);
    const script = '<script>alert(1)</script>';
    const img = '<img src=x onerror="alert(document.domain)">';
    const hostile = noticeV1()
      .replace('title: "Privacy notice for Contoso Insights"', `title: '${script}'\nx-note: '${img}'`)
      .replace('## How we use data', `## How we use data ${img}`)
      .replace('## Data protection', `## Data protection ${script}\n\nWe also say ${img} in a paragraph.`);
    serveBytes(notice.path, hostile);
    const changed = expectStatus(await check(storage.store, notice, FAST), 'changed');

    const snapshot = await snapshotText(storage.store, changed.currentSnapshot);
    expect(snapshot).toContain(`## How we use data ${img}`);
    expect(snapshot).toContain(`title: '${script}'`);

    const stored = await readReport<Record<string, unknown>>(storage.store, changed.report!);
    if (!stored.ok || !stored.value) throw new Error('report missing');
    const report = stored.value as unknown as typeof changed;
    expect(report.metadataChanges).toEqual(
      expect.arrayContaining([
        { key: 'title', before: 'Privacy notice for Contoso Insights', after: script },
        { key: 'x-note', before: null, after: img },
      ]),
    );
    expect(report.sections.map((section) => section.heading)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`How we use data ${img}`),
        expect.stringContaining(`Data protection ${script}`),
      ]),
    );
    expect(typeof report.diff).toBe('string');
    expect(report.diff).toContain(`+## How we use data ${img}`);
    // The report is data: the markup survives as the same string through the JSON round trip.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect((await reportsOf(storage.store, notice.id)).filter((r) => r.status === 'changed')).toHaveLength(1);
    recordHostileInput('markup: script and img onerror');
  });
});

describe('no crash', () => {
  it('no unhandled rejection or uncaught exception escaped any hostile input', () => {
    expect(crashes.seen).toEqual([]);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HttpRequest } from '@azure/functions';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { main } from '../../cli/noticewatch';
import { makeDriftHttpHandler } from '../../functions/drift-http';
import { hostDeps } from '../../functions/function-deps';
import { redactSecrets } from '../../shared/common/redact';
import { checkNotice, newRunId } from '../../shared/runs';
import { MemoryObjectStore } from '../../shared/storage';
import { testContext, testDeps } from '../support/function-harness';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { recordHostileInput, recordProperty } from '../support/reliability-tally';
import { noticeV1 } from '../support/sample-notices';

let server: NoticeServer;
let dir: string;
beforeAll(async () => {
  server = await startNoticeServer();
  dir = mkdtempSync(join(tmpdir(), 'nw-hostile-'));
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  vi.spyOn(process.stdout, 'write').mockImplementation(
    (chunk: string | Uint8Array) => ((stdout += String(chunk)), true),
  );
  vi.spyOn(process.stderr, 'write').mockImplementation(
    (chunk: string | Uint8Array) => ((stderr += String(chunk)), true),
  );
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

const SECRET_KEY = 'c3VwZXItc2VjcmV0LWFjY291bnQta2V5LWRvLW5vdC1sb2c=';
const DEAD_STORAGE = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${SECRET_KEY};BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;`;

describe('a watchlist with bad entries', () => {
  it('names every bad entry and still runs the valid ones', async () => {
    server.setText('/hostile/good.md', noticeV1());
    const path = join(dir, 'mixed.json');
    writeFileSync(
      path,
      JSON.stringify({
        notices: [
          { id: 'good-one', url: `${server.origin}/hostile/good.md`, format: 'markdown' },
          { id: '../../escape', url: `${server.origin}/x.md`, format: 'markdown' },
          { id: 'local-file', url: 'file:///etc/passwd', format: 'markdown' },
          { id: 'with-password', url: `http://user:hunter2@127.0.0.1:1/x.md`, format: 'markdown' },
          { id: 'good-one', url: `${server.origin}/hostile/good.md`, format: 'markdown' },
        ],
      }),
    );
    const memoryDir = mkdtempSync(join(tmpdir(), 'nw-hostile-store-'));
    const result = await runCli(['drift', '--watchlist', path, '--json'], {
      NOTICEWATCH_DATA_DIR: memoryDir,
      AZURE_STORAGE_CONNECTION_STRING: undefined,
    });
    expect(result.code).toBe(2);
    expect(
      JSON.parse(result.stdout).notices.map((notice: { id: string; status: string }) => [notice.id, notice.status]),
    ).toEqual([['good-one', 'baseline']]);
    expect(result.stderr).toMatch(/notices\[1\]/);
    expect(result.stderr).toMatch(/notices\[2\] \("local-file"\)/);
    expect(result.stderr).toMatch(/notices\[3\] \("with-password"\).*credentials/);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).toMatch(/notices\[4\] \("good-one"\).*duplicate/);
    recordHostileInput('watchlist with invalid, unsafe and duplicate entries');
  });
});

describe('no secrets in reports, logs or error messages', () => {
  it('redacts account keys, SAS signatures and bearer tokens', () => {
    const text = `AccountKey=${SECRET_KEY}; https://a.blob.core.windows.net/c?sv=2024&sig=abc%2Bdef&se=1 Authorization: SharedKey a:b Bearer eyJhbGciOi.x.y`;
    const redacted = redactSecrets(text);
    for (const secret of [SECRET_KEY, 'abc%2Bdef', 'SharedKey a:b', 'eyJhbGciOi.x.y'])
      expect(redacted).not.toContain(secret);
    recordHostileInput('secrets in messages');
  });

  it('the CLI says storage is unreachable without printing the key', async () => {
    const path = join(dir, 'one.json');
    writeFileSync(
      path,
      JSON.stringify({ notices: [{ id: 'secretive', url: `${server.origin}/hostile/good.md`, format: 'markdown' }] }),
    );
    const result = await runCli(['drift', '--watchlist', path, '--json', '--storage', DEAD_STORAGE]);
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toContain('127.0.0.1:9');
    expect(result.stdout + result.stderr).not.toContain(SECRET_KEY);
    recordHostileInput('dead storage with a real-looking key (CLI)');
  });

  it('the HTTP function answers 503 and logs nothing secret', async () => {
    const deps = hostDeps({
      AZURE_STORAGE_CONNECTION_STRING: DEAD_STORAGE,
      NOTICEWATCH_WATCHLIST: join(dir, 'one.json'),
    });
    const { context, logs } = testContext('driftHttp');
    const response = await makeDriftHttpHandler(deps)(
      new HttpRequest({ method: 'POST', url: 'http://localhost/api/drift' }),
      context,
    );
    const everything = JSON.stringify(response.jsonBody) + logs.map((log) => log.message).join('\n');
    expect(response.status).toBe(503);
    expect(everything).toContain('STORAGE_');
    expect(everything).not.toContain(SECRET_KEY);
    recordHostileInput('dead storage with a real-looking key (function)');
  });
});

describe('HTTP functions with malformed requests', () => {
  it.each([
    ['broken percent-encoding', 'POST', 'http://localhost/api/drift?notice=%E0%A4%A', 400],
    ['a path in a repeated id', 'POST', 'http://localhost/api/drift?notice=a&notice=../b', 400],
    ['a 500-character id', 'POST', `http://localhost/api/drift?notice=${'a'.repeat(500)}`, 400],
    ['PUT', 'PUT', 'http://localhost/api/drift', 405],
    ['GET', 'GET', 'http://localhost/api/drift', 405],
  ])('%s answers %i with a message, not a stack', async (_label, method, url, status) => {
    const handler = makeDriftHttpHandler(testDeps(new MemoryObjectStore(), { notices: [] }));
    const response = await handler(
      new HttpRequest({ method, url, body: { string: '{"not": json' } }),
      testContext('driftHttp').context,
    );
    expect(response.status).toBe(status);
    expect(response.jsonBody).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    expect(JSON.stringify(response.jsonBody)).not.toMatch(/\bat .*\.(ts|js):\d+/);
    recordHostileInput(`drift HTTP: ${_label}`);
  });
});

describe('property: a re-fetch of the same bytes never counts as a change', () => {
  it('holds for arbitrary notice texts', async () => {
    let counter = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string({ unit: 'grapheme', maxLength: 60 }),
            fc.constantFrom('# Heading', '', '  ', '\r', '---', 'Privacy & cookies'),
          ),
          { maxLength: 30 },
        ),
        fc.constantFrom('\n', '\r\n', '\r'),
        async (lines, newline) => {
          counter += 1;
          const store = new MemoryObjectStore();
          const id = `prop-${counter}`;
          server.setText(`/prop/${id}.md`, lines.join(newline), { etag: null });
          const notice = { id, url: `${server.origin}/prop/${id}.md`, format: 'markdown' as const };
          const at = new Date();
          const first = await checkNotice(
            notice,
            { runId: newRunId(at, 'p1'), startedAt: at.toISOString() },
            { store, fetchOptions: { retries: 0 } },
          );
          const second = await checkNotice(
            notice,
            { runId: newRunId(at, 'p2'), startedAt: at.toISOString() },
            { store, fetchOptions: { retries: 0 } },
          );
          if (first.status === 'error') {
            expect(second.status).toBe('error');
            expect(second.error?.code).toBe(first.error?.code);
          } else {
            expect(first.status).toBe('baseline');
            expect(second.status).toBe('unchanged');
          }
        },
      ),
      { numRuns: 60 },
    );
    recordProperty('re-fetch of the same bytes is never a change');
  });
});

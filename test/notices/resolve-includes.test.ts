import { describe, expect, it } from 'vitest';

import { fail, ok, type Result } from '../../shared/common/result';
import { findIncludeDirectives, type IncludeFetcher, resolveIncludes } from '../../shared/notices';

const BASE = 'https://docs.example/privacy/statement.md';

/** An in-memory site: URL -> markdown; anything else is a 404 problem. */
function site(files: Record<string, string>): IncludeFetcher & { calls: string[] } {
  const calls: string[] = [];
  const fetcher = async (url: string): Promise<Result<string>> => {
    calls.push(url);
    return url in files ? ok(files[url]) : fail('HTTP_STATUS', `${url} answered HTTP 404`);
  };
  return Object.assign(fetcher, { calls });
}

describe('findIncludeDirectives', () => {
  it('recognises the directive in any letter case and spacing', () => {
    const variants = [
      '[!INCLUDE[title](a.md)]',
      '[!include[title](a.md)]',
      '[!Include [title] (a.md)]',
      '[!include [t] (a.md)]',
      '[!INCLUDE[](a.md)]',
      '[ !INCLUDE [spaced title] ( a.md ) ]',
      '[!INCLUDE[title](<a.md>)]',
      '[!INCLUDE[title](a.md "tooltip")]',
    ];
    for (const variant of variants) {
      const found = findIncludeDirectives(`Before ${variant} after`);
      expect(found, variant).toHaveLength(1);
      expect(found[0].path).toBe('a.md');
      expect(`Before ${variant} after`.slice(found[0].start, found[0].end)).toBe(variant);
    }
  });

  it('ignores ordinary links, notes and images', () => {
    expect(findIncludeDirectives('[include](a.md) > [!NOTE] ![INCLUDE](b.png) [!INCLUDE] (c.md)')).toEqual([]);
  });

  it('leaves directives in fenced code blocks and inline code alone', () => {
    const text = [
      '[!INCLUDE[real](one.md)]',
      '```markdown',
      '[!INCLUDE[example](two.md)]',
      '```',
      '~~~~',
      '[!INCLUDE[example](three.md)]',
      '```',
      'still fenced by the tildes',
      '~~~~',
      'Inline `[!INCLUDE[x](four.md)]` example and [!INCLUDE[y](five.md)]',
    ].join('\n');
    expect(findIncludeDirectives(text).map((d) => d.path)).toEqual(['one.md', 'five.md']);
  });
});

describe('resolveIncludes', () => {
  it('inlines relative, nested and ../ includes, stripping their front matter', async () => {
    const fetcher = site({
      'https://docs.example/privacy/includes/a.md':
        '---\nms.topic: include\n---\nA text. [!INCLUDE[b](../shared/b.md)]\n',
      'https://docs.example/privacy/shared/b.md': '---\nauthor: x\n---\n\nB text.\n',
      'https://docs.example/common/c.md': 'C text.\n',
    });
    const result = await resolveIncludes(
      'Start\n\n[!INCLUDE[a](includes/a.md)]\n\n[!include[c](/common/c.md)]\n',
      BASE,
      fetcher,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        body: 'Start\n\nA text. B text.\n\nC text.\n',
        includeUrls: [
          'https://docs.example/privacy/includes/a.md',
          'https://docs.example/privacy/shared/b.md',
          'https://docs.example/common/c.md',
        ],
      },
    });
  });

  it('resolves ../ beyond the root while it stays on the same origin', async () => {
    const fetcher = site({ 'https://docs.example/top.md': 'Top.' });
    const result = await resolveIncludes('[!INCLUDE[t](../../../top.md)]', BASE, fetcher);
    expect(result).toMatchObject({ ok: true, value: { body: 'Top.' } });
  });

  it('fetches a file used twice only once', async () => {
    const fetcher = site({ 'https://docs.example/privacy/x.md': 'X' });
    const result = await resolveIncludes('[!INCLUDE[](x.md)] and [!INCLUDE[](./x.md)]', BASE, fetcher);
    expect(result).toMatchObject({
      ok: true,
      value: { body: 'X and X', includeUrls: ['https://docs.example/privacy/x.md'] },
    });
    expect(fetcher.calls).toHaveLength(1);
  });

  it('refuses includes on other hosts, ports or schemes with INCLUDE_OUTSIDE_SITE', async () => {
    for (const path of [
      'https://evil.example/x.md',
      '//evil.example/x.md',
      'https://docs.example:8443/x.md',
      'http://docs.example/x.md',
      'file:///etc/passwd',
      'data:text/plain,hi',
    ]) {
      const fetcher = site({});
      const result = await resolveIncludes(`[!INCLUDE[x](${path})]`, BASE, fetcher);
      expect(result, path).toMatchObject({ ok: false, problem: { code: 'INCLUDE_OUTSIDE_SITE' } });
      expect(fetcher.calls).toEqual([]);
    }
  });

  it('fails on a cycle and names it', async () => {
    const fetcher = site({
      'https://docs.example/privacy/a.md': '[!INCLUDE[](b.md)]',
      'https://docs.example/privacy/b.md': '[!INCLUDE[](a.md)]',
    });
    const result = await resolveIncludes('[!INCLUDE[](a.md)]', BASE, fetcher);
    expect(result).toMatchObject({ ok: false, problem: { code: 'INCLUDE_CYCLE' } });
    if (!result.ok) {
      expect(result.problem.message).toContain(
        'statement.md -> https://docs.example/privacy/a.md -> https://docs.example/privacy/b.md -> https://docs.example/privacy/a.md',
      );
    }
  });

  it('fails when an include includes the notice itself', async () => {
    const fetcher = site({ 'https://docs.example/privacy/a.md': '[!INCLUDE[](statement.md)]' });
    expect(await resolveIncludes('[!INCLUDE[](a.md)]', BASE, fetcher)).toMatchObject({
      ok: false,
      problem: { code: 'INCLUDE_CYCLE' },
    });
  });

  it('fails past the depth limit', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 8; i++)
      files[`https://docs.example/privacy/level${i}.md`] = `L${i} [!INCLUDE[](level${i + 1}.md)]`;
    files['https://docs.example/privacy/level9.md'] = 'bottom';
    const deep = await resolveIncludes('[!INCLUDE[](level1.md)]', BASE, site(files), { maxDepth: 5 });
    expect(deep).toMatchObject({
      ok: false,
      problem: { code: 'INCLUDE_TOO_DEEP', message: expect.stringContaining('more than 5 levels') },
    });
    // The same chain is fine with room for all nine levels.
    expect(await resolveIncludes('[!INCLUDE[](level1.md)]', BASE, site(files), { maxDepth: 9 })).toMatchObject({
      ok: true,
      value: { body: 'L1 L2 L3 L4 L5 L6 L7 L8 bottom' },
    });
  });

  it('counts distinct include files against the limit, not directives', async () => {
    const fetcher = site({
      'https://docs.example/privacy/x.md': 'x',
      'https://docs.example/privacy/y.md': 'y',
      'https://docs.example/privacy/z.md': 'z',
    });
    const many = Array.from({ length: 200 }, () => '[!INCLUDE[](x.md)]').join(' ');
    expect(await resolveIncludes(`${many} [!INCLUDE[](y.md)]`, BASE, fetcher, { maxIncludes: 2 })).toMatchObject({
      ok: true,
      value: { includeUrls: ['https://docs.example/privacy/x.md', 'https://docs.example/privacy/y.md'] },
    });
    const three = await resolveIncludes('[!INCLUDE[](x.md)] [!INCLUDE[](y.md)] [!INCLUDE[](z.md)]', BASE, fetcher, {
      maxIncludes: 2,
    });
    expect(three).toMatchObject({
      ok: false,
      problem: { code: 'INCLUDE_LIMIT', message: expect.stringContaining('more than 2 distinct include files') },
    });
  });

  it('splices one include used 130 times, fetching and expanding it once', async () => {
    const fetcher = site({
      'https://docs.example/privacy/product.md': '---\nms.topic: include\n---\nContoso Cloud [!INCLUDE[](tier.md)]\n',
      'https://docs.example/privacy/tier.md': 'Enterprise',
    });
    const body = Array.from({ length: 130 }, (_, index) => `Item ${index}: [!INCLUDE[pn](product.md)].`).join('\n');
    const result = await resolveIncludes(body, BASE, fetcher);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.body.match(/Contoso Cloud Enterprise/g)).toHaveLength(130);
    expect(result.value.includeUrls).toHaveLength(2);
    expect(fetcher.calls).toHaveLength(2);
  });

  it('bounds the expanded length, so includes that multiply each other fail fast', async () => {
    // Each level uses the next 1,000 times: a billion copies of the leaf if nothing stopped it.
    const files: Record<string, string> = { 'https://docs.example/privacy/l3.md': 'boom ' };
    for (const level of [2, 1, 0])
      files[`https://docs.example/privacy/l${level}.md`] = `[!INCLUDE[](l${level + 1}.md)]`.repeat(1_000);
    const started = Date.now();
    const result = await resolveIncludes('[!INCLUDE[](l0.md)]', BASE, site(files), { maxExpandedLength: 1_000_000 });
    expect(result).toMatchObject({
      ok: false,
      problem: { code: 'INCLUDE_LIMIT', message: expect.stringContaining('more than 1000000 characters') },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('does not reuse an expansion where it would pass the depth limit', async () => {
    const fetcher = site({
      'https://docs.example/privacy/shallow.md': '[!INCLUDE[](chain1.md)]',
      'https://docs.example/privacy/chain1.md': '[!INCLUDE[](chain2.md)]',
      'https://docs.example/privacy/chain2.md': '[!INCLUDE[](leaf.md)]',
      'https://docs.example/privacy/leaf.md': 'leaf',
      'https://docs.example/privacy/deep1.md': '[!INCLUDE[](deep2.md)]',
      'https://docs.example/privacy/deep2.md': '[!INCLUDE[](chain1.md)]',
    });
    // chain1 spans three levels: fine at level 2 (levels 2-4), too deep at level 3 (levels 3-5 of 4).
    expect(await resolveIncludes('[!INCLUDE[](shallow.md)]', BASE, fetcher, { maxDepth: 4 })).toMatchObject({
      ok: true,
    });
    const reused = await resolveIncludes('[!INCLUDE[](shallow.md)] [!INCLUDE[](deep1.md)]', BASE, fetcher, {
      maxDepth: 4,
    });
    expect(reused).toMatchObject({ ok: false, problem: { code: 'INCLUDE_TOO_DEEP' } });
  });

  it('fails the whole resolution when one include fails, naming the include and its referrer', async () => {
    const fetcher = site({ 'https://docs.example/privacy/good.md': 'good [!INCLUDE[](gone.md)]' });
    const result = await resolveIncludes('[!INCLUDE[](good.md)]', BASE, fetcher);
    expect(result).toMatchObject({ ok: false, problem: { code: 'HTTP_STATUS' } });
    if (!result.ok) {
      expect(result.problem.message).toContain('Include https://docs.example/privacy/gone.md');
      expect(result.problem.message).toContain('referenced from https://docs.example/privacy/good.md');
    }
  });

  it('fails on an include with invalid front matter', async () => {
    const fetcher = site({ 'https://docs.example/privacy/bad.md': '---\n: [\n---\ntext' });
    const result = await resolveIncludes('[!INCLUDE[](bad.md)]', BASE, fetcher);
    expect(result).toMatchObject({
      ok: false,
      problem: { code: 'FRONT_MATTER_INVALID', message: expect.stringContaining('bad.md') },
    });
  });
});

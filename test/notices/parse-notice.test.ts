import { describe, expect, it } from 'vitest';

import { buildSnapshotDocument, documentFromSnapshotText, normaliseText, parseNotice } from '../../shared/notices';

function parsed(text: string, format: 'markdown' | 'html' = 'markdown', selector?: string) {
  const result = parseNotice(text, format, selector, 'https://notices.example/privacy');
  if (!result.ok) throw new Error(`unexpected failure ${result.problem.code}: ${result.problem.message}`);
  return result.value;
}

function problem(text: string, format: 'markdown' | 'html' = 'markdown', selector?: string) {
  const result = parseNotice(text, format, selector, 'https://notices.example/privacy');
  if (result.ok) throw new Error('expected a failure');
  return result.problem;
}

describe('parseNotice (markdown)', () => {
  it('turns front matter into metadata and keeps the block as published, keys in order', () => {
    const value = parsed(
      '---\ntitle: Fabrikam privacy notice\nms.date: 2024-05-02\nauthor: someone\ntags: [a, b]\n---\n# Fabrikam\n\nWe keep little.\n',
    );
    expect(value.frontMatterText).toBe(
      'title: Fabrikam privacy notice\nms.date: 2024-05-02\nauthor: someone\ntags: [a, b]',
    );
    // Dates become ISO strings so metadata is JSON-stable.
    expect(value.metadata).toEqual({
      title: 'Fabrikam privacy notice',
      'ms.date': '2024-05-02T00:00:00.000Z',
      author: 'someone',
      tags: ['a', 'b'],
    });
    expect(JSON.parse(JSON.stringify(value.metadata))).toEqual(value.metadata);
    expect(value.body).toBe('# Fabrikam\n\nWe keep little.\n');
  });

  it('treats a notice without front matter as all body', () => {
    const value = parsed('# Privacy\n\n---\n\nA thematic break above is not front matter.\n');
    expect(value.frontMatterText).toBeNull();
    expect(value.metadata).toEqual({});
    expect(value.body).toContain('thematic break');
  });

  it('strips a BOM and reads CRLF and lone-CR front matter', () => {
    for (const eol of ['\r\n', '\r']) {
      const value = parsed(['\ufeff---', 'title: Windows line endings', '---', '# Body', ''].join(eol));
      expect(value.metadata).toEqual({ title: 'Windows line endings' });
      expect(value.frontMatterText).toBe('title: Windows line endings');
      expect(value.body).toBe('# Body\n');
    }
  });

  it('refuses invalid YAML with FRONT_MATTER_INVALID naming the notice', () => {
    const p = problem('---\ntitle: [unclosed\nauthor: x\n---\nbody\n');
    expect(p.code).toBe('FRONT_MATTER_INVALID');
    expect(p.message).toContain('https://notices.example/privacy');
  });

  it('refuses front matter that is a list or a scalar, not a mapping', () => {
    expect(problem('---\n- one\n- two\n---\nbody\n')).toMatchObject({
      code: 'FRONT_MATTER_INVALID',
      message: expect.stringContaining('a list'),
    });
    expect(problem('---\njust a sentence\n---\nbody\n')).toMatchObject({
      code: 'FRONT_MATTER_INVALID',
      message: expect.stringContaining('a string'),
    });
  });

  it('refuses front matter that is never closed', () => {
    expect(problem('---\ntitle: x\n\n# Body without closing line\n').code).toBe('FRONT_MATTER_INVALID');
  });

  it('never evaluates a JavaScript front matter block', () => {
    const marker = '__noticewatch_eval_marker';
    const value = parsed(`---js\n{ title: (globalThis.${marker} = 1) }\n---\nbody\n`);
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
    // Not recognised as YAML front matter: it stays visible in the body.
    expect(value.frontMatterText).toBeNull();
    expect(value.body.startsWith('---js')).toBe(true);
  });

  it('treats an empty front matter block as no front matter', () => {
    const value = parsed('---\n---\n# Body\n');
    expect(value.frontMatterText).toBeNull();
    expect(value.metadata).toEqual({});
    expect(value.body).toBe('# Body\n');
  });

  it('keeps a __proto__ key as plain data', () => {
    const value = parsed('---\n__proto__:\n  polluted: true\n---\nbody\n');
    expect(Object.getPrototypeOf(value.metadata)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(value.metadata)).toEqual(['__proto__']);
  });
});

describe('buildSnapshotDocument', () => {
  it('writes the front matter block as published, normalised, before the body', () => {
    const value = parsed('---\r\ntitle: A  \r\nms.date: 03/01/2024\r\n---\r\n\r\n# Body  \r\n');
    const document = buildSnapshotDocument(value.frontMatterText, value.metadata, value.body);
    expect(document.text).toBe('---\ntitle: A\nms.date: 03/01/2024\n---\n# Body\n');
    expect(document.body).toBe('# Body\n');
    expect(document.metadata).toEqual({ title: 'A', 'ms.date': '03/01/2024' });
    expect(normaliseText(document.text)).toBe(document.text);
  });

  it('is just the body when there is no front matter', () => {
    expect(buildSnapshotDocument(null, {}, '# Only body\n\n\n').text).toBe('# Only body\n');
  });

  it('round-trips through documentFromSnapshotText', () => {
    const value = parsed('---\ntitle: Round trip\nms.date: 2024-01-31\n---\n# Heading\n\nText.\n');
    const document = buildSnapshotDocument(value.frontMatterText, value.metadata, value.body);
    expect(documentFromSnapshotText(document.text)).toEqual(document);
    const bare = buildSnapshotDocument(null, {}, '# No metadata\n');
    expect(documentFromSnapshotText(bare.text)).toEqual(bare);
  });
});

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <title>Northwind privacy statement | Northwind Docs</title>
  <meta name="description" content="How Northwind uses &quot;your&quot; data.">
  <meta name="ms.date" content="04/15/2024">
  <meta name="author" content="fakeauthor">
  <meta name="ms.topic" content="legal">
  <meta name="request-id" content="9f1c0e4a-volatile">
  <meta name="page_version_info" content="build 20240415.3">
  <script>window.tracking = true;</script>
</head>
<body>
  <nav><a href="/">Home</a> <a href="/docs">Docs</a></nav>
  <div id="main-column">
    <h1>Northwind privacy statement</h1>
    <p>We collect <strong>minimal</strong> data. Example markup: &lt;script&gt;alert("x")&lt;/script&gt; is shown as text.</p>
    <script>document.write('injected');</script>
    <style>.hidden { display: none }</style>
    <noscript>Enable JavaScript</noscript>
    <template><p>template text</p></template>
    <button>Copy</button>
    <svg><text>svg label</text></svg>
    <h2>What we keep</h2>
    <ul><li>Your email</li><li>Your country</li></ul>
    <pre><code>retention = 30 days</code></pre>
  </div>
  <footer>Cookie banner text</footer>
</body>
</html>`;

describe('parseNotice (html)', () => {
  it('extracts the selector region as markdown: ATX headings, - bullets, fenced code', () => {
    const value = parsed(PAGE, 'html', '#main-column');
    expect(value.body).toContain('# Northwind privacy statement');
    expect(value.body).toContain('## What we keep');
    expect(value.body).toMatch(/^- +Your email$/m);
    expect(value.body).toContain('```\nretention = 30 days\n```');
    expect(value.body).toContain('**minimal**');
    expect(value.body).not.toContain('Home');
    expect(value.body).not.toContain('Cookie banner');
  });

  it('drops script, style, noscript, template, button and svg content', () => {
    const body = parsed(PAGE, 'html', '#main-column').body;
    for (const gone of [
      'injected',
      'document.write',
      '.hidden',
      'Enable JavaScript',
      'template text',
      'Copy',
      'svg label',
      'tracking',
    ]) {
      expect(body).not.toContain(gone);
    }
  });

  it('does not let escaped <script> text become live markup in the markdown', () => {
    const body = parsed(PAGE, 'html', '#main-column').body;
    expect(body).toContain('alert("x")');
    expect(body).not.toMatch(/(^|[^\\])<script/i);
    expect(body).not.toMatch(/(^|[^\\])<\/script/i);
  });

  it('keeps only whitelisted head metadata, as YAML front matter text', () => {
    const value = parsed(PAGE, 'html', '#main-column');
    expect(value.metadata).toEqual({
      title: 'Northwind privacy statement | Northwind Docs',
      description: 'How Northwind uses "your" data.',
      'ms.date': '04/15/2024',
      author: 'fakeauthor',
      'ms.topic': 'legal',
    });
    expect(value.frontMatterText).toBe(
      'title: "Northwind privacy statement | Northwind Docs"\ndescription: "How Northwind uses \\"your\\" data."\nms.date: "04/15/2024"\nauthor: "fakeauthor"\nms.topic: "legal"\n',
    );
    // The generated block is valid YAML that parses back to the same metadata.
    const document = buildSnapshotDocument(value.frontMatterText, value.metadata, value.body);
    expect(documentFromSnapshotText(document.text).metadata).toEqual(value.metadata);
    expect(document.text).not.toContain('volatile');
  });

  it('fails with SELECTOR_NOT_FOUND when the region is missing (an error page)', () => {
    const p = problem(
      '<html><head><title>Just a moment...</title></head><body><p>Checking your browser</p></body></html>',
      'html',
      '#main-column',
    );
    expect(p.code).toBe('SELECTOR_NOT_FOUND');
    expect(p.message).toContain('#main-column');
    expect(p.message).toContain('https://notices.example/privacy');
  });

  it('fails with SELECTOR_INVALID for a malformed selector', () => {
    expect(problem(PAGE, 'html', '##bad').code).toBe('SELECTOR_INVALID');
  });

  it('uses <main>, then <body> when no selector is configured', () => {
    expect(
      parsed('<html><body><nav>x</nav><main><p>Main text</p></main><p>outside</p></body></html>', 'html').body,
    ).toBe('Main text');
    expect(parsed('<html><body><p>Body text</p></body></html>', 'html').body).toBe('Body text');
  });
});

import { describe, expect, it } from 'vitest';

import { ok } from '../../shared/common/result';
import { repositoryRootOf } from '../../shared/config';
import {
  describeDocsRepository,
  locateInclude,
  parsePublishConfig,
  parseRedirections,
  type PublishConfig,
  RepositoryFiles,
} from '../../shared/notices';

const ROOT = 'https://raw.example/Fabrikam/handbook-docs/live/';
const NOTICE = `${ROOT}handbook/privacy/notice.md`;
const ORIGIN = 'https://raw.example';

const CONFIG: PublishConfig = {
  docsetFolders: ['handbook', 'other'],
  dependentRepositories: [
    { pathToRoot: 'shared-text', url: 'https://github.com/Fabrikam/shared-text-pr', branch: 'main', branchMapping: {} },
    {
      pathToRoot: 'legal',
      url: 'https://github.com/Fabrikam/legal-snippets.git',
      branch: 'main',
      branchMapping: { live: 'published' },
    },
    { pathToRoot: 'elsewhere', url: 'https://gitlab.example/x/y', branch: 'main', branchMapping: {} },
  ],
};

function repository(config: PublishConfig | null = CONFIG, overrides = {}) {
  return describeDocsRepository(overrides, ROOT, NOTICE, config);
}

const fromNotice = { url: NOTICE, repositoryPath: 'handbook/privacy/notice.md' };

describe('repositoryRootOf', () => {
  it('derives the root of raw.githubusercontent.com URLs, plain and refs/heads', () => {
    expect(
      repositoryRootOf({ url: 'https://raw.githubusercontent.com/Owner/repo/live/ce/sales/privacy-notice.md' }),
    ).toBe('https://raw.githubusercontent.com/Owner/repo/live/');
    expect(repositoryRootOf({ url: 'https://raw.githubusercontent.com/Owner/repo/refs/heads/main/a.md' })).toBe(
      'https://raw.githubusercontent.com/Owner/repo/refs/heads/main/',
    );
  });

  it('derives nothing for other hosts or a URL without a file path, and keeps a configured root', () => {
    expect(repositoryRootOf({ url: 'https://mirror.example/Owner/repo/live/a.md' })).toBeNull();
    expect(repositoryRootOf({ url: 'https://raw.githubusercontent.com/Owner/repo/live/' })).toBeNull();
    expect(repositoryRootOf({ url: 'http://raw.githubusercontent.com/Owner/repo/live/a.md' })).toBeNull();
    expect(
      repositoryRootOf({ url: 'https://mirror.example/r/a.md', repositoryRoot: 'https://mirror.example/r/' }),
    ).toBe('https://mirror.example/r/');
  });
});

describe('locateInclude in a Microsoft Docs repository', () => {
  it('reads ~/ from the docset root that holds the notice', () => {
    expect(locateInclude('~/includes/footer.md', fromNotice, ORIGIN, repository())).toEqual(
      ok({
        key: `${ROOT}handbook/includes/footer.md`,
        urls: [`${ROOT}handbook/includes/footer.md`],
        repositoryPath: 'handbook/includes/footer.md',
      }),
    );
  });

  it('reads ~/../<path_to_root>/ from the dependent repository, its -pr name first and then the public mirror', () => {
    const located = locateInclude('~/../shared-text/privacy/dsr.md', fromNotice, ORIGIN, repository());
    expect(located).toEqual(
      ok({
        key: 'https://raw.example/Fabrikam/shared-text-pr/main/privacy/dsr.md',
        urls: [
          'https://raw.example/Fabrikam/shared-text-pr/main/privacy/dsr.md',
          'https://raw.example/Fabrikam/shared-text/main/privacy/dsr.md',
        ],
        repositoryPath: 'shared-text/privacy/dsr.md',
      }),
    );
  });

  it("uses branch_mapping for the notice's branch, and a relative path reaches the mount too", () => {
    const located = locateInclude('../../legal/terms/clause.md', fromNotice, ORIGIN, repository());
    expect(located.ok && located.value.urls).toEqual([
      'https://raw.example/Fabrikam/legal-snippets/published/terms/clause.md',
    ]);
  });

  it('resolves relative paths inside a dependent repository in the build tree, ~/ still meaning the docset root', () => {
    const inDependency = {
      url: 'https://raw.example/Fabrikam/shared-text/main/privacy/dsr.md',
      repositoryPath: 'shared-text/privacy/dsr.md',
    };
    expect(locateInclude('../common/names.md', inDependency, ORIGIN, repository())).toMatchObject({
      ok: true,
      value: {
        urls: [
          'https://raw.example/Fabrikam/shared-text-pr/main/common/names.md',
          'https://raw.example/Fabrikam/shared-text/main/common/names.md',
        ],
      },
    });
    expect(locateInclude('~/includes/x.md', inDependency, ORIGIN, repository())).toMatchObject({
      ok: true,
      value: { urls: [`${ROOT}handbook/includes/x.md`] },
    });
  });

  it('never guesses: ~/ without a repository, without a config or outside every docset is INCLUDE_DOCSET_UNKNOWN', () => {
    const noRepository = locateInclude('~/a.md', fromNotice, ORIGIN, null);
    expect(noRepository).toMatchObject({
      ok: false,
      problem: { code: 'INCLUDE_DOCSET_UNKNOWN', message: expect.stringContaining('Set repositoryRoot') },
    });
    const noConfig = locateInclude('~/a.md', fromNotice, ORIGIN, repository(null));
    expect(noConfig).toMatchObject({
      ok: false,
      problem: { code: 'INCLUDE_DOCSET_UNKNOWN', message: expect.stringMatching(/does not exist.*Set docsetRoot/) },
    });
    const outside = describeDocsRepository({}, ROOT, `${ROOT}loose/notice.md`, CONFIG);
    expect(
      locateInclude('~/a.md', { url: `${ROOT}loose/notice.md`, repositoryPath: 'loose/notice.md' }, ORIGIN, outside),
    ).toMatchObject({
      ok: false,
      problem: { code: 'INCLUDE_DOCSET_UNKNOWN', message: expect.stringContaining('no docset') },
    });
  });

  it('names the setting when a declared dependent repository cannot be placed', () => {
    expect(locateInclude('~/../elsewhere/a.md', fromNotice, ORIGIN, repository())).toMatchObject({
      ok: false,
      problem: { code: 'INCLUDE_DOCSET_UNKNOWN', message: expect.stringContaining('dependentRepositories') },
    });
  });

  it('takes docsetRoot and dependentRepositories from the notice over the config', () => {
    const overridden = repository(CONFIG, {
      docsetRoot: 'other',
      dependentRepositories: { 'shared-text': 'https://cdn.example/shared/' },
    });
    expect(locateInclude('~/x.md', fromNotice, ORIGIN, overridden)).toMatchObject({
      ok: true,
      value: { urls: [`${ROOT}other/x.md`] },
    });
    expect(locateInclude('~/../shared-text/y.md', fromNotice, ORIGIN, overridden)).toMatchObject({
      ok: true,
      value: { urls: ['https://cdn.example/shared/y.md'] },
    });
  });

  it('refuses paths above the repository root, percent-encoded dots included', () => {
    for (const path of [
      '../../../x.md',
      '~/../../x.md',
      '..\\..\\..\\x.md',
      '../../%2e%2e/x.md',
      '~/%2E%2E/%2e%2e/x.md',
    ]) {
      expect(locateInclude(path, fromNotice, ORIGIN, repository()), path).toMatchObject({
        ok: false,
        problem: { code: 'INCLUDE_OUTSIDE_SITE' },
      });
    }
  });

  it('keeps the same-origin rule for absolute and root-relative paths', () => {
    expect(locateInclude('https://evil.example/x.md', fromNotice, ORIGIN, repository())).toMatchObject({
      ok: false,
      problem: { code: 'INCLUDE_OUTSIDE_SITE' },
    });
    expect(locateInclude('/Fabrikam/handbook-docs/live/handbook/a.md', fromNotice, ORIGIN, repository())).toMatchObject(
      {
        ok: true,
        value: { urls: [`${ROOT}handbook/a.md`], repositoryPath: 'handbook/a.md' },
      },
    );
  });
});

describe('publishing files', () => {
  it('reads the fields it uses and ignores the rest', () => {
    const parsed = parsePublishConfig(
      JSON.stringify({
        docsets_to_publish: [{ docset_name: 'x', build_source_folder: './docs/' }, { docset_name: 'no-folder' }],
        dependent_repositories: [
          { path_to_root: '_themes', url: 'https://github.com/o/t', branch: 'main', branch_mapping: {} },
        ],
        need_generate_pdf: true,
      }),
      `${ROOT}.openpublishing.publish.config.json`,
    );
    expect(parsed).toEqual(
      ok({
        docsetFolders: ['docs'],
        dependentRepositories: [
          { pathToRoot: '_themes', url: 'https://github.com/o/t', branch: 'main', branchMapping: {} },
        ],
      }),
    );
  });

  it('refuses a malformed config, naming the file', () => {
    const url = `${ROOT}.openpublishing.publish.config.json`;
    for (const text of [
      '{ not json',
      '[]',
      '{"dependent_repositories": [{"url": "https://github.com/o/r"}]}',
      '{"docsets_to_publish": [{"build_source_folder": "../up"}]}',
    ]) {
      expect(parsePublishConfig(text, url), text).toMatchObject({
        ok: false,
        problem: { code: 'PUBLISH_CONFIG_INVALID', message: expect.stringContaining(url) },
      });
    }
    expect(parseRedirections('{"redirections": [{"source_path": "a.md"}]}', 'r.json')).toMatchObject({
      ok: false,
      problem: { code: 'REDIRECTION_FILE_INVALID', message: expect.stringContaining('r.json') },
    });
  });

  it('fetches each file once per RepositoryFiles, concurrent readers included', async () => {
    const files = new RepositoryFiles();
    let fetches = 0;
    const fetch = async () => {
      fetches += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return ok(JSON.stringify({ docsets_to_publish: [{ build_source_folder: 'docs' }] }));
    };
    const results = await Promise.all([files.publishConfig(ROOT, fetch), files.publishConfig(ROOT, fetch)]);
    await files.publishConfig(ROOT, fetch);
    expect(fetches).toBe(1);
    expect(results[0]).toEqual(results[1]);
    expect(await files.publishConfig('https://raw.example/o/other/live/', async () => ok(null))).toEqual(ok(null));
  });
});

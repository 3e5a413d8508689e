/**
 * Watches the real Dynamics 365 Sales Insights privacy notice (the msdocs-sales-insights corpus
 * beside the repository: five consecutive versions with the include files they use) through the
 * drift pipeline, served by a loopback server laid out as raw.githubusercontent.com, with a real
 * Azurite. Not part of `npm test`: the corpus is not ours to ship.
 *
 * Each version is served at the notice's current source path, its files mapped by their path
 * relative to the notice's folder (as the corpus README says), the fill/ files of its top folder
 * added. The repository's publishing config is written here (the corpus has none): the `ce`
 * docset, and `shared-content` mounted from MicrosoftDocs/powerapps-docs-pr, which answers 404 as
 * a private repository does, with its public mirror MicrosoftDocs/powerapps-docs serving the
 * corpus's external/ file. Every version must be checked without error and every include resolved;
 * a last step serves v5 with the corpus's alternate wording of one include, which must be a change.
 *
 * Usage: node dist/bench/replay-msdocs-notice.js [CORPUS_DIR] [--json]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';

import type { NoticeConfig } from '../shared/config';
import { newRunId, runDrift } from '../shared/runs';
import { CONTAINERS, type ObjectStore, startEmbeddedAzurite, storeFromConnectionString } from '../shared/storage';
import { defaultCorpusDir } from './diff-bench';

const REPOSITORY = '/MicrosoftDocs/dynamics-365-customer-engagement/live';
const NOTICE_PATH = 'ce/sales/privacy-notice.md';
const MIRROR = '/MicrosoftDocs/powerapps-docs/live';

/** Modelled on the repository's real configuration; only the fields noticewatch reads matter. */
const PUBLISH_CONFIG = {
  docsets_to_publish: [{ docset_name: 'customer-engagement', build_source_folder: 'ce', locale: 'en-us' }],
  dependent_repositories: [
    { path_to_root: '_themes', url: 'https://github.com/Microsoft/templates.docs.msft', branch: 'main' },
    {
      path_to_root: 'shared-content',
      url: 'https://github.com/MicrosoftDocs/powerapps-docs-pr',
      branch: 'main',
      branch_mapping: { live: 'live' },
    },
  ],
};

interface Manifest {
  versions: Array<{ id: string; notice: string }>;
  alternates?: Array<{ file: string; standsFor: string }>;
}

export interface MsDocsStep {
  step: string;
  status: string;
  error: string | null;
  includes: string[];
  unresolvedDirectives: number;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** The URL path a repository file of a version is served at: by its path relative to the notice's folder. */
function servedPath(repositoryPath: string, noticeRepositoryPath: string): string {
  const relative = path.posix.relative(path.posix.dirname(noticeRepositoryPath), repositoryPath);
  return path.posix.join(REPOSITORY, path.posix.dirname(NOTICE_PATH), relative);
}

/** What one version serves: URL path -> text. */
function versionRoutes(corpus: string, manifest: Manifest, id: string): Map<string, string> {
  const version = manifest.versions.find((entry) => entry.id === id);
  if (!version) throw new Error(`version ${id} is not in the manifest`);
  const routes = new Map<string, string>();
  const folder = path.join(corpus, id);
  for (const file of filesUnder(folder)) {
    const repositoryPath = path.relative(folder, file).split(path.sep).join('/');
    const served =
      repositoryPath === version.notice ? `${REPOSITORY}/${NOTICE_PATH}` : servedPath(repositoryPath, version.notice);
    routes.set(served, readFileSync(file, 'utf8'));
  }
  const top = version.notice.split('/')[0];
  const fill = path.join(corpus, 'fill', top);
  for (const file of filesUnder(fill)) {
    const repositoryPath = `${top}/${path.relative(fill, file).split(path.sep).join('/')}`;
    const served = servedPath(repositoryPath, version.notice);
    if (!routes.has(served)) routes.set(served, readFileSync(file, 'utf8'));
  }
  // The dependent repository's public mirror; its -pr original answers 404.
  const external = path.join(corpus, 'external', 'shared-content');
  for (const file of filesUnder(external)) {
    routes.set(`${MIRROR}/${path.relative(external, file).split(path.sep).join('/')}`, readFileSync(file, 'utf8'));
  }
  routes.set(`${REPOSITORY}/.openpublishing.publish.config.json`, JSON.stringify(PUBLISH_CONFIG, null, 2));
  return routes;
}

export async function replayMsDocsNotice(corpus: string): Promise<{ steps: MsDocsStep[]; failures: string[] }> {
  const manifest = JSON.parse(readFileSync(path.join(corpus, 'manifest.json'), 'utf8')) as Manifest;
  let routes = new Map<string, string>();
  const server = createServer((request, response) => {
    const body = routes.get(decodeURIComponent((request.url ?? '/').split('?')[0]));
    if (body === undefined) response.writeHead(404, { 'content-type': 'text/plain' }).end('404: Not Found');
    else response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const azurite = await startEmbeddedAzurite();
  if (!azurite.ok) throw new Error(azurite.problem.message);
  const store = storeFromConnectionString(azurite.value.connectionString);
  const steps: MsDocsStep[] = [];
  const failures: string[] = [];
  try {
    if (!store.ok) throw new Error(store.problem.message);
    const notice: NoticeConfig = {
      id: 'd365-sales-insights-privacy-md',
      url: `${origin}${REPOSITORY}/${NOTICE_PATH}`,
      format: 'markdown',
      repositoryRoot: `${origin}${REPOSITORY}/`,
    };
    const plan = manifest.versions.map((version) => ({
      step: version.id,
      routes: versionRoutes(corpus, manifest, version.id),
    }));
    const last = plan[plan.length - 1];
    for (const alternate of manifest.alternates ?? []) {
      const version = manifest.versions[manifest.versions.length - 1];
      const swapped = new Map(last.routes);
      swapped.set(
        servedPath(alternate.standsFor, version.notice),
        readFileSync(path.join(corpus, alternate.file), 'utf8'),
      );
      plan.push({ step: `${last.step} with ${alternate.file}`, routes: swapped });
    }
    let second = 0;
    for (const [index, { step, routes: served }] of plan.entries()) {
      routes = served;
      second += 1;
      const startedAt = new Date(Date.UTC(2026, 11, 3, 6, 0, second));
      const summary = await runDrift(store.value, [notice], {
        runId: newRunId(startedAt, `msdocs${second}`),
        startedAt,
        fetchOptions: { timeoutMs: 5_000, retries: 0 },
      });
      const result = summary.notices[0];
      const snapshot = result.currentSnapshot ? await snapshotText(store.value, result.currentSnapshot) : '';
      const unresolved = (snapshot.match(/\[\s*!\s*include/gi) ?? []).length;
      steps.push({
        step,
        status: result.status,
        error: result.error ? `${result.error.code}: ${result.error.message}` : null,
        includes: result.includes ?? [],
        unresolvedDirectives: unresolved,
      });
      const expected = index === 0 ? 'baseline' : 'changed';
      if (result.status !== expected)
        failures.push(
          `${step}: ${result.status}, expected ${expected}${result.error ? ` (${result.error.code}: ${result.error.message})` : ''}`,
        );
      if (unresolved) failures.push(`${step}: ${unresolved} include directive(s) left in the snapshot`);
    }
    const withDependency = steps.find((step) => step.includes.some((url) => url.includes('/powerapps-docs/')));
    if (!withDependency) failures.push('no version read the dependent repository through its public mirror');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await azurite.value.stop();
  }
  return { steps, failures };
}

async function snapshotText(store: ObjectStore, name: string): Promise<string> {
  const found = await store.get(CONTAINERS.snapshots, name);
  if (!found.ok || !found.value) throw new Error(`snapshot ${name} missing`);
  return found.value.body.toString('utf8');
}

if (require.main === module) {
  const { values, positionals } = parseArgs({ options: { json: { type: 'boolean' } }, allowPositionals: true });
  const corpus = path.resolve(positionals[0] ?? path.join(path.dirname(defaultCorpusDir()), 'msdocs-sales-insights'));
  replayMsDocsNotice(corpus).then(
    ({ steps, failures }) => {
      if (values.json) process.stdout.write(`${JSON.stringify({ corpus, steps, failures }, null, 2)}\n`);
      else {
        for (const step of steps) {
          process.stdout.write(
            `${step.step}: ${step.status}, ${step.includes.length} include files${step.error ? `, ${step.error}` : ''}\n`,
          );
          for (const url of step.includes.filter((entry) => !entry.includes('/dynamics-365-customer-engagement/')))
            process.stdout.write(`  from a dependent repository: ${url}\n`);
        }
        for (const failure of failures) process.stdout.write(`FAILED: ${failure}\n`);
        process.stdout.write(
          failures.length
            ? `${failures.length} failure(s)\n`
            : `all ${steps.length} steps checked, every include resolved\n`,
        );
      }
      process.exitCode = failures.length ? 1 : 0;
    },
    (error: unknown) => {
      process.stderr.write(`replay failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}

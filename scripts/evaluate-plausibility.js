#!/usr/bin/env node
'use strict';
/**
 * Runs the plausibility check over an archive of real policy versions and prints which versions
 * it flags, to calibrate shared/notices/plausibility.ts.
 *
 *   node scripts/evaluate-plausibility.js <corpus-dir>
 *
 * <corpus-dir> holds manifest.json ({ documents: [{ id, dir, versions: [{ file }] }] }) with the
 * versions of each document oldest first. Each version is compared with the last version that was
 * not flagged, as the drift run does with its last good snapshot. Reads the TypeScript sources
 * directly (transpiled in memory), so no build is needed.
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

// Minimal require hook: the sources are CommonJS-compatible TypeScript without path aliases.
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename,
  });
  module._compile(outputText, filename);
};

const { parseNotice, buildSnapshotDocument, assessPlausibility } = require('../shared/notices/index.ts');
const { measureBody } = require('../shared/notices/plausibility.ts');

function main() {
  const corpus = process.argv[2];
  if (!corpus) {
    console.error('usage: node scripts/evaluate-plausibility.js <corpus-dir containing manifest.json>');
    process.exit(2);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(corpus, 'manifest.json'), 'utf8'));
  let versions = 0;
  const flagged = [];
  const nearMisses = [];
  for (const doc of manifest.documents) {
    let lastGood;
    let lastGoodFile = null;
    for (const version of doc.versions) {
      versions += 1;
      const file = path.join(corpus, doc.dir, version.file);
      const text = fs.readFileSync(file, 'utf8');
      const parsed = parseNotice(text, 'markdown', undefined, file);
      if (!parsed.ok) {
        flagged.push({
          id: `${doc.id}/${version.file}`,
          reason: `parse failed: ${parsed.problem.code} ${parsed.problem.message}`,
        });
        continue;
      }
      const document = buildSnapshotDocument(parsed.value.frontMatterText, parsed.value.metadata, parsed.value.body);
      const problem = assessPlausibility(document, lastGood);
      const now = measureBody(document.body);
      if (problem) {
        flagged.push({
          id: `${doc.id}/${version.file}`,
          reason: problem.message,
          against: lastGoodFile,
          preview: document.body.slice(0, 100).replace(/\n/g, ' | '),
        });
        continue;
      }
      if (lastGood) {
        const before = measureBody(lastGood.body);
        const ratio = now.letters / Math.max(1, before.letters);
        if (ratio < 0.6)
          nearMisses.push(
            `${doc.id}/${version.file}: ${now.letters} of ${before.letters} letters (${Math.round(ratio * 100)}%), ${now.policyTerms} policy terms, error phrase ${now.errorPhrase ?? 'none'}`,
          );
      }
      if (now.errorPhrase && now.letters < 10_000)
        nearMisses.push(
          `${doc.id}/${version.file}: error phrase "${now.errorPhrase}" in ${now.letters} letters, ${now.policyTerms} policy terms (not flagged)`,
        );
      lastGood = document;
      lastGoodFile = version.file;
    }
  }
  console.log(`${manifest.documents.length} documents, ${versions} versions, ${flagged.length} flagged`);
  for (const f of flagged) {
    console.log(`FLAGGED ${f.id}${f.against ? ` (vs ${f.against})` : ''}: ${f.reason}`);
    if (f.preview !== undefined) console.log(`    starts: ${f.preview}`);
  }
  console.log(`\nNot flagged but worth a look (${nearMisses.length}):`);
  for (const line of nearMisses) console.log(`  ${line}`);
}

main();

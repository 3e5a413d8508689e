#!/usr/bin/env node
'use strict';
/**
 * Measures the plausibility check on archives of real policy versions: which versions it refuses
 * as junk (error pages, truncated renders, another page) and which real changes it holds back.
 *
 *   node scripts/evaluate-plausibility.js <corpus-dir> [--part tuning|held-out|all] [--verbose]
 *
 * <corpus-dir> holds manifest.json ({ documents: [{ id, dir, versions: [{ file, recorded }] }] })
 * with each document's versions oldest first. Each version is checked once, against the last
 * version that was not refused, as a drift run does with its last good snapshot. Labels:
 * - labels.json in the corpus (privacy-policies-2): `junk` (doc id -> version indexes) is junk;
 *   every other version is the publisher's own text. `--part` picks the tuning or held-out sites
 *   (scripts/corpus-split.js); tune on `tuning` only, report on `held-out`.
 * - without labels.json (privacy-policies): the six junk versions of the calibration this check
 *   started from; every other version is real, and the figure must stay 100%.
 *
 * Figures: junk refused (recall) and refusals that were junk (precision); the big changes labels.json
 * judged genuine (`realBigChanges`), reported on their run; real changes (a version
 * whose snapshot differs from the last good one) reported on the run they appear, held (reported
 * after 3 consecutive runs, shown at once as "held for review"), or lost (held, and replaced
 * before it could be accepted: the next version is recorded less than 12 hours later, 3 runs at
 * the default 6-hour schedule). Reads the TypeScript sources directly (transpiled in memory).
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

// Minimal require hook: the sources are CommonJS-compatible TypeScript without path aliases.
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      resolveJsonModule: true,
    },
    fileName: filename,
  });
  module._compile(outputText, filename);
};

const { parseNotice, buildSnapshotDocument, assessPlausibility, hashSnapshot } = require('../shared/notices/index.ts');
const { updateProfile } = require('../shared/notices/plausibility.ts');
const { splitCorpus } = require('./corpus-split.js');

/** The calibration corpus has no labels file: these are the versions its calibration refused, all junk. */
const CALIBRATION_JUNK = {
  'genai-eu/le-chat/privacy-policy': [1],
  'pga/parler/privacy-policy': [11],
  'pga/spotify/privacy-policy': [2, 4, 7],
  'pga/upscrolled/privacy-policy': [4],
};

/** Three runs at the default schedule (every 6 hours): a held body seen this long is accepted. */
const ACCEPTED_AFTER_MS = 12 * 60 * 60 * 1000;

function parseArguments(argv) {
  const options = { corpus: null, part: 'all', verbose: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--part') options.part = argv[++i];
    else if (argv[i] === '--verbose') options.verbose = true;
    else options.corpus = argv[i];
  }
  if (!options.corpus || !['tuning', 'held-out', 'all'].includes(options.part)) {
    console.error('usage: node scripts/evaluate-plausibility.js <corpus-dir> [--part tuning|held-out|all] [--verbose]');
    process.exit(2);
  }
  return options;
}

function evaluate(corpus, part, verbose) {
  const manifest = JSON.parse(fs.readFileSync(path.join(corpus, 'manifest.json'), 'utf8'));
  const labelsFile = path.join(corpus, 'labels.json');
  const labels = fs.existsSync(labelsFile) ? JSON.parse(fs.readFileSync(labelsFile, 'utf8')) : null;
  const junkOf = (id) => new Set(labels ? (labels.junk[id] ?? []) : (CALIBRATION_JUNK[id] ?? []));
  // The big changes a person judged genuine (rewrites, new versions): the ones most at risk of being held.
  const bigOf = (id) => new Set(labels?.realBigChanges?.[id] ?? []);
  let documents = manifest.documents;
  if (part !== 'all') {
    if (!labels) throw new Error('--part needs a corpus with labels.json');
    const { tuning, heldOut } = splitCorpus(manifest, labels);
    const chosen = part === 'tuning' ? tuning : heldOut;
    documents = documents.filter((document) => chosen.has(document.id));
  }

  const figures = {
    documents: documents.length,
    versions: 0,
    junk: 0,
    junkRefused: 0,
    real: 0,
    realOnTime: 0,
    realHeld: 0,
    realLost: 0,
    realBig: 0,
    realBigOnTime: 0,
  };
  const refusedReal = [];
  const missedJunk = [];
  const refusedJunk = [];
  for (const document of documents) {
    const junk = junkOf(document.id);
    const big = bigOf(document.id);
    let lastGood;
    let profile;
    for (const [index, version] of document.versions.entries()) {
      figures.versions += 1;
      const file = path.join(corpus, document.dir, version.file);
      const parsed = parseNotice(fs.readFileSync(file, 'utf8'), 'markdown', undefined, file);
      const name = `${document.id}/${version.file}`;
      let suspicion;
      let current = null;
      if (!parsed.ok) {
        suspicion = { signal: 'parse', message: `${parsed.problem.code}: ${parsed.problem.message}` };
      } else {
        current = buildSnapshotDocument(parsed.value.frontMatterText, parsed.value.metadata, parsed.value.body);
        suspicion = assessPlausibility(current, lastGood, profile);
      }
      const preview = current ? current.body.slice(0, 90).replace(/\n+/g, ' | ') : '';
      if (junk.has(index)) {
        figures.junk += 1;
        if (suspicion) {
          figures.junkRefused += 1;
          refusedJunk.push(`${name} [${suspicion.signal}] ${suspicion.message}`);
          continue;
        }
        missedJunk.push(`${name}: ${preview}`);
      }
      const isChange = !lastGood || hashSnapshot(current ? current.text : '') !== hashSnapshot(lastGood.text);
      // A held version replaced before its third run is never accepted: it does not become last good.
      let neverAccepted = false;
      if (junk.has(index)) {
        // Missed junk: accepted, it becomes the last good version below.
      } else if (lastGood && isChange) {
        figures.real += 1;
        if (big.has(index)) {
          figures.realBig += 1;
          if (!suspicion) figures.realBigOnTime += 1;
        }
        if (!suspicion) figures.realOnTime += 1;
        else {
          const next = document.versions[index + 1];
          const lastsMs = next ? Date.parse(next.recorded) - Date.parse(version.recorded) : Infinity;
          if (lastsMs >= ACCEPTED_AFTER_MS) figures.realHeld += 1;
          else {
            figures.realLost += 1;
            neverAccepted = true;
          }
          refusedReal.push(`${name} [${suspicion.signal}] ${suspicion.message}\n      starts: ${preview}`);
        }
      } else if (!lastGood && suspicion) {
        refusedReal.push(`${name} (first version) [${suspicion.signal}] ${suspicion.message}`);
        figures.realLost += 1;
        neverAccepted = true;
      }
      // What is not refused becomes the last good version (junk too, when it is missed); a held
      // real version is accepted after 3 runs if it lasts, so the model keeps it as last good.
      if (current && (!suspicion || (!junk.has(index) && !neverAccepted))) {
        lastGood = current;
        profile = updateProfile(profile, current);
      }
    }
  }
  const refused = figures.junkRefused + refusedReal.length;
  const percent = (n, d) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}%`);
  console.log(
    JSON.stringify(
      {
        corpus: path.basename(path.resolve(corpus)),
        part,
        ...figures,
        junkRecall: percent(figures.junkRefused, figures.junk),
        junkPrecision: percent(figures.junkRefused, refused),
        realReportedOnTime: percent(figures.realOnTime, figures.real),
        labelledBigChangesOnTime: percent(figures.realBigOnTime, figures.realBig),
      },
      null,
      2,
    ),
  );
  for (const line of missedJunk) console.log(`MISSED JUNK ${line}`);
  for (const line of refusedReal) console.log(`HELD REAL ${line}`);
  if (verbose) for (const line of refusedJunk) console.log(`refused junk ${line}`);
}

const options = parseArguments(process.argv.slice(2));
evaluate(options.corpus, options.part, options.verbose);

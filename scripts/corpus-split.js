'use strict';
/**
 * Splits a labelled corpus of policy histories by site into a tuning part and a held-out part,
 * deterministically, before any tuning: the plausibility check is tuned on the tuning part (and on
 * ../privacy-policies) only, and its figures are reported on the held-out part.
 *
 * Rule: documents are grouped by site (the service; two services of one publisher that share
 * policy wording, listed in SAME_SITE, count as one site). Sites are split in two strata, those
 * with at least one junk version in labels.json and the others, so that both parts hold junk.
 * Within a stratum, sites are ordered by the SHA-256 of their site key and dealt out alternately:
 * first to tuning, second to held-out, and so on.
 *
 *   node scripts/corpus-split.js <corpus-dir>    prints the two parts
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** Documents of one publisher that share wording (privacy-policies-2/README.md, "Disjointness"). */
const SAME_SITE = { 'contrib/womans-day/privacy-policy': 'contrib/hearst-com/privacy-policy' };

function siteOf(documentId) {
  return SAME_SITE[documentId] ?? documentId;
}

/** { tuning: Set<documentId>, heldOut: Set<documentId> } for a manifest and its labels. */
function splitCorpus(manifest, labels) {
  const sites = new Map();
  for (const document of manifest.documents) {
    const site = siteOf(document.id);
    if (!sites.has(site)) sites.set(site, []);
    sites.get(site).push(document.id);
  }
  const hasJunk = (site) => sites.get(site).some((id) => (labels.junk[id] ?? []).length > 0);
  const order = (list) =>
    list
      .map((site) => ({ site, key: crypto.createHash('sha256').update(site).digest('hex') }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((entry) => entry.site);
  const tuning = new Set();
  const heldOut = new Set();
  for (const stratum of [[...sites.keys()].filter(hasJunk), [...sites.keys()].filter((site) => !hasJunk(site))]) {
    order(stratum).forEach((site, index) => {
      for (const id of sites.get(site)) (index % 2 === 0 ? tuning : heldOut).add(id);
    });
  }
  return { tuning, heldOut };
}

module.exports = { splitCorpus };

if (require.main === module) {
  const corpus = process.argv[2];
  if (!corpus) {
    console.error('usage: node scripts/corpus-split.js <corpus-dir with manifest.json and labels.json>');
    process.exit(2);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(corpus, 'manifest.json'), 'utf8'));
  const labels = JSON.parse(fs.readFileSync(path.join(corpus, 'labels.json'), 'utf8'));
  const { tuning, heldOut } = splitCorpus(manifest, labels);
  for (const [name, part] of [
    ['tuning', tuning],
    ['held-out', heldOut],
  ]) {
    const junk = [...part].reduce((n, id) => n + (labels.junk[id] ?? []).length, 0);
    const real = [...part].reduce((n, id) => n + (labels.realBigChanges[id] ?? []).length, 0);
    console.log(`${name}: ${part.size} documents, ${junk} junk versions, ${real} labelled big real changes`);
    for (const id of [...part].sort()) console.log(`  ${id}`);
  }
}

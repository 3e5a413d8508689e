import { describe, expect, it } from 'vitest';

import { analyseChange } from '../../shared/diff';
import {
  assessPlausibility,
  buildSnapshotDocument,
  hashSnapshot,
  parseNotice,
  type SnapshotDocument,
} from '../../shared/notices';
import {
  HOSTILE_HTML_CONVERTED,
  HOSTILE_HTML_REFUSED,
  HOSTILE_MARKDOWN,
  type HostileShape,
} from '../support/hostile-text';
import { recordHostileInput } from '../support/reliability-tally';

/**
 * Every step run on fetched text takes time linear in its length: each hostile shape costs about
 * five times as much at 5 MiB as at 1 MiB. A quadratic step would cost 25 times as much, and at
 * 5 MiB take minutes to hours (320 KB of `[a](` once took 11 s).
 */

const MIB = 1024 * 1024;
/** Below this much CPU time the 1 MiB figure is mostly noise; ratios are taken against at least this. */
const NOISE_FLOOR_MS = 30;

const previous: SnapshotDocument = buildSnapshotDocument(
  null,
  {},
  `# Contoso privacy notice\n\n${'We collect personal data, process it and share it with third parties. '.repeat(200)}\n`,
);

/** What the pipeline does with a fetched body, without the network and storage around it. */
function processFetched(text: string, format: 'markdown' | 'html'): string {
  const parsed = parseNotice(text, format, undefined, 'the hostile notice');
  if (!parsed.ok) return parsed.problem.code;
  const document = buildSnapshotDocument(parsed.value.frontMatterText, parsed.value.metadata, parsed.value.body);
  hashSnapshot(document.text);
  const suspicion = assessPlausibility(document, previous);
  analyseChange(previous, document);
  return suspicion?.code ?? 'ACCEPTED';
}

/** CPU time of this process, in ms (unlike wall time, hardly moved by other processes on the machine). */
function cpuMs(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function measure(shape: HostileShape): { small: number; large: number; outcome: string } {
  const small = shape.make(MIB);
  const large = shape.make(5 * MIB);
  let outcome = '';
  const smallMs = cpuMs(() => processFetched(small, shape.format));
  const largeMs = cpuMs(() => {
    outcome = processFetched(large, shape.format);
  });
  return { small: smallMs, large: largeMs, outcome };
}

function expectLinear(shape: HostileShape, expectedOutcomes: readonly string[]): void {
  let figures = measure(shape);
  // A busy machine (tests run in parallel) can slow one measurement down, and garbage collection of
  // multi-megabyte strings lands on one size or the other: measure up to five times and keep the
  // best of each size. A quadratic step stays near 25 however often it is measured.
  for (let attempt = 1; attempt < 5 && figures.large >= 10 * Math.max(figures.small, NOISE_FLOOR_MS); attempt++) {
    const again = measure(shape);
    figures = {
      small: Math.min(figures.small, again.small),
      large: Math.min(figures.large, again.large),
      outcome: again.outcome,
    };
  }
  const ratio = figures.large / Math.max(figures.small, NOISE_FLOOR_MS);
  expect(
    ratio,
    `${shape.name}: ${figures.small.toFixed(0)} ms at 1 MiB, ${figures.large.toFixed(0)} ms at 5 MiB`,
  ).toBeLessThan(10);
  expect(expectedOutcomes).toContain(figures.outcome);
  recordHostileInput(`linear time: ${shape.format} ${shape.name}`);
}

describe('text processing is linear in the length of a hostile body (1 MiB vs 5 MiB)', () => {
  for (const shape of HOSTILE_MARKDOWN) {
    it(`markdown: ${shape.name}`, { timeout: 120_000 }, () => {
      expectLinear(shape, ['ACCEPTED', 'SUSPECT_BODY', 'FRONT_MATTER_INVALID']);
    });
  }
  for (const shape of HOSTILE_HTML_CONVERTED) {
    it(`HTML, converted in slices: ${shape.name}`, { timeout: 120_000 }, () => {
      expectLinear(shape, ['ACCEPTED', 'SUSPECT_BODY']);
    });
  }
  for (const shape of HOSTILE_HTML_REFUSED) {
    it(`HTML, refused before conversion: ${shape.name}`, { timeout: 120_000 }, () => {
      expectLinear(shape, ['HTML_TOO_DEEP', 'HTML_TOO_COMPLEX']);
    });
  }
});

import { appendFileSync } from 'node:fs';

/**
 * Tests of faults and hostile input record what they proved here; the global teardown
 * (test/support/global-setup.ts) prints the totals at the end of the run. Record only after the
 * assertions of the scenario passed, so a failing scenario is never counted as survived.
 */
export type TallyKind = 'fault' | 'hostile' | 'property';

export function recordTally(kind: TallyKind, name: string): void {
  const path = process.env.NOTICEWATCH_TALLY_FILE;
  if (!path) return;
  appendFileSync(path, `${JSON.stringify({ kind, name })}\n`);
}

export const recordFault = (name: string) => recordTally('fault', name);
export const recordHostileInput = (name: string) => recordTally('hostile', name);
export const recordProperty = (name: string) => recordTally('property', name);

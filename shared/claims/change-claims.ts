import type { SectionChange } from '../diff';
import { changeSeverity, compareClaims } from './compare-claims';
import { extractClaims } from './extract-claims';
import type { ChangeSeverity, ClaimChange, ClaimsRecord } from './types';

/** The claims part of a change report: the current claims, what changed in them, and the change's severity. */
export function changeClaimFields(
  previous: { readonly body: string },
  current: { readonly body: string },
  change: { readonly substantive: boolean; readonly sections: readonly SectionChange[] },
): { claims: ClaimsRecord; claimChanges: ClaimChange[]; severity: ChangeSeverity } {
  const claims = extractClaims(current);
  const claimChanges = change.substantive ? compareClaims(extractClaims(previous), claims) : [];
  return { claims, claimChanges, severity: changeSeverity({ ...change, claimChanges }) };
}

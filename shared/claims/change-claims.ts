import type { SectionChange } from '../diff';
import { changeSeverity, compareClaims } from './compare-claims';
import { extractClaims } from './extract-claims';
import type { ChangeSeverity, ClaimChange, ClaimsRecord, Evidence, TlsMinimum } from './types';

/** The claims part of a change report: the current claims, what changed in them, and the change's severity. */
export function changeClaimFields(
  previous: { readonly body: string; readonly metadata?: Readonly<Record<string, unknown>> },
  current: { readonly body: string; readonly metadata?: Readonly<Record<string, unknown>> },
  change: { readonly substantive: boolean; readonly sections: readonly SectionChange[] },
): { claims: ClaimsRecord; claimChanges: ClaimChange[]; severity: ChangeSeverity } {
  const claims = extractClaims(current);
  const claimChanges = change.substantive ? compareClaims(extractClaims(previous), claims) : [];
  return { claims, claimChanges, severity: changeSeverity({ ...change, claimChanges }) };
}

/** The promises an endpoint check can verify, small enough to keep in a notice's pointer for the TLS run. */
export interface NoticePromises {
  readonly tlsMinimum: TlsMinimum | null;
  readonly tlsEvidence: Evidence | null;
}

export function promisesOf(claims: ClaimsRecord): NoticePromises {
  return { tlsMinimum: claims.tlsMinimum, tlsEvidence: claims.tlsEvidence };
}

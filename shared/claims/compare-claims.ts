import type { SectionChange } from '../diff';
import type {
  ChangeSeverity,
  ClaimChange,
  ClaimKind,
  ClaimsRecord,
  EncryptionClaim,
  Evidence,
  ServiceClaim,
} from './types';

function describeService(service: ServiceClaim): string {
  return `${service.name} (receives: ${service.receives.length ? service.receives.join(', ') : 'not stated'})`;
}

function describeEncryption(claim: EncryptionClaim): string {
  return claim.keys.length ? `${claim.scope} (${claim.keys.join(', ')} keys)` : claim.scope;
}

interface Keyed {
  readonly key: string;
  readonly label: string;
  /** What must stay the same for the claim to be unchanged (its label when absent). */
  readonly detail?: string;
  readonly evidence: Evidence;
}

/**
 * Claims of one kind compared by key. A key on one side only is added or removed; a key on both
 * sides whose detail differs is changed. With `pairInSection`, a removed and an added claim quoted
 * under the same heading are one changed claim (a retention period or an address replaced in place).
 */
function compareKeyed(
  claim: ClaimKind,
  before: readonly Keyed[],
  after: readonly Keyed[],
  pairInSection: boolean,
): ClaimChange[] {
  const previous = new Map(before.map((item) => [item.key, item]));
  const current = new Map(after.map((item) => [item.key, item]));
  const changes: ClaimChange[] = [];
  const removed = before.filter((item) => !current.has(item.key));
  const added = after.filter((item) => !previous.has(item.key));
  const pairedWith = new Map<Keyed, Keyed>();
  if (pairInSection) {
    const unpaired = [...removed];
    for (const item of added) {
      const index = unpaired.findIndex((old) => old.evidence.heading === item.evidence.heading);
      if (index >= 0) pairedWith.set(item, unpaired.splice(index, 1)[0]);
    }
  }
  const paired = new Set(pairedWith.values());
  for (const item of after) {
    const old = previous.get(item.key) ?? pairedWith.get(item);
    if (!old) {
      changes.push({ claim, change: 'added', before: null, after: item.label, evidence: item.evidence });
    } else if (pairedWith.has(item) || (old.detail ?? old.label) !== (item.detail ?? item.label)) {
      changes.push({
        claim,
        change: 'changed',
        before: old.label,
        after: item.label,
        evidence: item.evidence,
        previousEvidence: old.evidence,
      });
    }
  }
  for (const item of removed)
    if (!paired.has(item))
      changes.push({ claim, change: 'removed', before: item.label, after: null, evidence: item.evidence });
  return changes;
}

/** What changed between the claims of two versions of a notice, kind by kind. */
export function compareClaims(before: ClaimsRecord, after: ClaimsRecord): ClaimChange[] {
  const changes: ClaimChange[] = [];
  if (before.tlsMinimum !== after.tlsMinimum) {
    const change = before.tlsMinimum === null ? 'added' : after.tlsMinimum === null ? 'removed' : 'changed';
    changes.push({
      claim: 'tlsMinimum',
      change,
      before: before.tlsMinimum,
      after: after.tlsMinimum,
      evidence: (after.tlsEvidence ?? before.tlsEvidence)!,
      ...(change === 'changed' && before.tlsEvidence ? { previousEvidence: before.tlsEvidence } : {}),
    });
  }
  const services = (record: ClaimsRecord): Keyed[] =>
    record.services.map((service) => ({
      key: service.name.toLowerCase(),
      label: service.name,
      detail: service.receives.join('\n'),
      evidence: service.evidence,
    }));
  // A service whose receipts changed is reported with them; added and removed services by name.
  for (const change of compareKeyed('service', services(before), services(after), false)) {
    if (change.change !== 'changed') {
      changes.push(change);
      continue;
    }
    const old = before.services.find((service) => service.name === change.before)!;
    const now = after.services.find((service) => service.name === change.after)!;
    changes.push({ ...change, before: describeService(old), after: describeService(now) });
  }
  const encryption = (record: ClaimsRecord): Keyed[] =>
    record.encryption.map((claim) => ({
      key: claim.scope,
      label: describeEncryption(claim),
      evidence: claim.evidence,
    }));
  changes.push(...compareKeyed('encryption', encryption(before), encryption(after), false));
  const retention = (record: ClaimsRecord): Keyed[] =>
    record.retention.map((claim) => ({ key: claim.period, label: claim.period, evidence: claim.evidence }));
  changes.push(...compareKeyed('retention', retention(before), retention(after), true));
  const contacts = (record: ClaimsRecord): Keyed[] =>
    record.contacts.map((claim) => ({ key: claim.address, label: claim.address, evidence: claim.evidence }));
  changes.push(...compareKeyed('contact', contacts(before), contacts(after), true));
  return changes;
}

/** Changes that alone make a change high severity. */
function isHighSeverity(change: ClaimChange): boolean {
  if (change.claim === 'tlsMinimum') return true;
  if (change.claim === 'service') return change.change !== 'changed';
  return change.claim === 'encryption' && change.change === 'removed';
}

/** Severity of a change from its claims and sections (see ChangeSeverity); never from line counts. */
export function changeSeverity(change: {
  readonly substantive: boolean;
  readonly sections: readonly SectionChange[];
  readonly claimChanges: readonly ClaimChange[];
}): ChangeSeverity {
  if (!change.substantive) return 'none';
  if (change.claimChanges.some(isHighSeverity)) return 'high';
  if (change.claimChanges.length > 0 || change.sections.some((section) => section.change !== 'modified'))
    return 'medium';
  return 'low';
}

/**
 * Whether a change needs a person: every change of the body's wording does, whatever its severity,
 * because the claims vocabulary cannot know every promise a sentence can make (a reworded sentence
 * may add a legal basis or a sale of data); severity ranks the alert. Metadata-only changes (none)
 * and returns to a version seen before do not.
 */
export function raisesAlert(severity: ChangeSeverity, returnsToKnownVersion: boolean): boolean {
  return !returnsToKnownVersion && severity !== 'none';
}

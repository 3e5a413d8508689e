import type { AlertFacts, AlertKind, EndpointReason } from './payload';

/**
 * What the alerts remember about one notice or endpoint between runs: consecutive failures, an
 * open check-failing alert, the last change alerted on, the suspect body alerted on, and the
 * endpoint's last compliance and certificate warning. Kept in `state/notify/<notices|endpoints>.json`.
 */
export interface ItemTrack {
  readonly lastRunId: string;
  readonly lastCheckedAt: string;
  readonly failures: number;
  /** A check-failing alert was sent and no check-recovered yet. */
  readonly failingOpen: boolean;
  /** Notices: the last change report considered (alerting or not). */
  readonly lastChangeReport?: string | null;
  /** Notices: the hash of the suspect body a notice-held alert was raised for. */
  readonly heldHash?: string | null;
  /** Endpoints: compliance at the last complete check (null before the first). */
  readonly compliant?: boolean | null;
  /** Endpoints: whether the certificate was inside the expiry warning at the last complete check. */
  readonly certExpiring?: boolean;
}

/** An alert decided by a run, not yet written as outbox records (kept so a crash in between loses nothing). */
export interface AlertDescriptor {
  readonly kind: AlertKind;
  readonly subject: { readonly type: 'notice' | 'endpoint'; readonly id: string };
  readonly report: string;
  readonly facts: AlertFacts;
  readonly channels: readonly string[];
}

export interface TrackingDocument {
  readonly schemaVersion: number;
  readonly updatedAt: string;
  readonly items: Record<string, ItemTrack>;
  readonly unwritten: AlertDescriptor[];
}

export const TRACKING_SCHEMA_VERSION = 1;

interface ObservationBase {
  /** The item's key in the tracking document (endpoint id, or id@address when every address is checked). */
  readonly key: string;
  readonly runId: string;
  readonly checkedAt: string;
  readonly report: string;
}

export interface NoticeObservation extends ObservationBase {
  readonly status: 'baseline' | 'unchanged' | 'changed' | 'error';
  readonly alert?: boolean;
  readonly lastChange?: { readonly report: string; readonly at: string; readonly alert?: boolean };
  /** Set when this check held a suspect body: the pointer's suspect hash. */
  readonly suspectHash: string | null;
}

export interface EndpointObservation extends ObservationBase {
  /** The endpoint could not be fully checked (unreachable, undetermined protocol): a failing check. */
  readonly incomplete: boolean;
  readonly compliant: boolean;
  readonly certExpiring: boolean;
}

export interface DecidedAlert {
  readonly kind: AlertKind;
  readonly report: string;
  readonly facts: AlertFacts;
}

export interface Step {
  readonly next: ItemTrack;
  readonly alerts: DecidedAlert[];
}

/** An observation already folded in (the same run again, or an older check arriving late) changes nothing. */
function alreadySeen(previous: ItemTrack | undefined, observation: ObservationBase): boolean {
  return (
    previous !== undefined &&
    (previous.lastRunId === observation.runId || previous.lastCheckedAt >= observation.checkedAt)
  );
}

function failureStep(
  previous: ItemTrack | undefined,
  observation: ObservationBase,
  failing: boolean,
  failingRunsToAlert: number,
  alerts: DecidedAlert[],
): Pick<ItemTrack, 'failures' | 'failingOpen'> {
  if (failing) {
    const failures = (previous?.failures ?? 0) + 1;
    const opens = failures >= failingRunsToAlert && !previous?.failingOpen;
    if (opens)
      alerts.push({ kind: 'check-failing', report: observation.report, facts: { consecutiveFailures: failures } });
    return { failures, failingOpen: opens || (previous?.failingOpen ?? false) };
  }
  if (previous?.failingOpen)
    alerts.push({
      kind: 'check-recovered',
      report: observation.report,
      facts: { consecutiveFailures: previous.failures },
    });
  return { failures: 0, failingOpen: false };
}

function sameTrack(a: ItemTrack | undefined, b: ItemTrack): boolean {
  if (!a) return false;
  const strip = ({ lastRunId: _r, lastCheckedAt: _c, ...rest }: ItemTrack) => JSON.stringify(rest);
  return strip(a) === strip(b);
}

/**
 * Folds one notice check into its track. Returns null when nothing worth writing moved (so a
 * quiet run writes nothing). Alerts: notice-changed for new wording (also for a change whose run
 * died before alerting, named by a later unchanged check), notice-held once per suspect body,
 * check-failing after N consecutive failing checks and check-recovered at the first good one.
 */
export function observeNotice(
  previous: ItemTrack | undefined,
  observation: NoticeObservation,
  failingRunsToAlert: number,
): Step | null {
  if (alreadySeen(previous, observation)) return null;
  const alerts: DecidedAlert[] = [];
  const failing = observation.status === 'error';
  const failure = failureStep(previous, observation, failing, failingRunsToAlert, alerts);

  let heldHash = previous?.heldHash ?? null;
  if (observation.suspectHash) {
    if (observation.suspectHash !== heldHash)
      alerts.push({ kind: 'notice-held', report: observation.report, facts: {} });
    heldHash = observation.suspectHash;
  } else if (!failing) {
    // A good check ends the suspect episode; a fetch error in between does not.
    heldHash = null;
  }

  let lastChangeReport = previous?.lastChangeReport ?? null;
  if (observation.status === 'changed') {
    if (observation.alert && observation.report !== lastChangeReport)
      alerts.push({ kind: 'notice-changed', report: observation.report, facts: {} });
    lastChangeReport = observation.report;
  } else if (observation.lastChange && observation.lastChange.report !== lastChangeReport) {
    // The change's own run recorded it but died before its alert was decided. Only with a track:
    // a notice seen for the first time must not alert on a change from before alerts existed.
    if (previous && observation.lastChange.alert)
      alerts.push({ kind: 'notice-changed', report: observation.lastChange.report, facts: {} });
    lastChangeReport = observation.lastChange.report;
  }

  const next: ItemTrack = {
    lastRunId: observation.runId,
    lastCheckedAt: observation.checkedAt,
    ...failure,
    lastChangeReport,
    heldHash,
  };
  return alerts.length || !sameTrack(previous, next) ? { next, alerts } : null;
}

/**
 * Folds one endpoint check into its track. An incomplete check counts towards check-failing and
 * says nothing about compliance. A complete one alerts when compliance is lost or restored, or the
 * certificate crosses the expiry warning (either way); the first check alerts on a breach too.
 */
export function observeEndpoint(
  previous: ItemTrack | undefined,
  observation: EndpointObservation,
  failingRunsToAlert: number,
): Step | null {
  if (alreadySeen(previous, observation)) return null;
  const alerts: DecidedAlert[] = [];
  const failure = failureStep(previous, observation, observation.incomplete, failingRunsToAlert, alerts);
  let compliant = previous?.compliant ?? null;
  let certExpiring = previous?.certExpiring ?? false;
  if (!observation.incomplete) {
    const worse: EndpointReason[] = [];
    const better: EndpointReason[] = [];
    if (!observation.compliant && compliant !== false) worse.push('compliance-lost');
    if (observation.certExpiring && !certExpiring) worse.push('certificate-expiring');
    if (observation.compliant && compliant === false) better.push('compliance-restored');
    if (!observation.certExpiring && certExpiring && observation.compliant) better.push('certificate-renewed');
    if (worse.length)
      alerts.push({ kind: 'endpoint-noncompliant', report: observation.report, facts: { reasons: worse } });
    if (better.length)
      alerts.push({ kind: 'endpoint-recovered', report: observation.report, facts: { reasons: better } });
    compliant = observation.compliant;
    certExpiring = observation.certExpiring;
  }
  const next: ItemTrack = {
    lastRunId: observation.runId,
    lastCheckedAt: observation.checkedAt,
    ...failure,
    compliant,
    certExpiring,
  };
  return alerts.length || !sameTrack(previous, next) ? { next, alerts } : null;
}

import { describe, expect, it } from 'vitest';

import {
  type EndpointObservation,
  type ItemTrack,
  type NoticeObservation,
  observeEndpoint,
  observeNotice,
} from '../../shared/notify/tracking';

let tick = 0;
function at(): { runId: string; checkedAt: string; report: string } {
  tick += 1;
  const runId = `20261201T06${String(tick).padStart(4, '0')}Z-r${tick}`;
  return {
    runId,
    checkedAt: new Date(Date.UTC(2026, 11, 1, 6, 0, tick)).toISOString(),
    report: `drift/2026/12/01/n/${runId}.json`,
  };
}

function notice(partial: Partial<NoticeObservation>): NoticeObservation {
  return { key: 'n', status: 'unchanged', suspectHash: null, ...at(), ...partial };
}

function endpoint(partial: Partial<EndpointObservation>): EndpointObservation {
  return { key: 'e', incomplete: false, compliant: true, certExpiring: false, ...at(), ...partial };
}

/** Folds observations in order, returning the alert kinds each raised. */
function fold<O>(
  observe: (previous: ItemTrack | undefined, observation: O) => ReturnType<typeof observeNotice>,
  observations: O[],
) {
  let track: ItemTrack | undefined;
  return observations.map((observation) => {
    const step = observe(track, observation);
    if (step) track = step.next;
    return step ? step.alerts.map((alert) => alert.kind) : null;
  });
}

const notices = (observations: NoticeObservation[]) =>
  fold((p, o: NoticeObservation) => observeNotice(p, o, 3), observations);
const endpoints = (observations: EndpointObservation[]) =>
  fold((p, o: EndpointObservation) => observeEndpoint(p, o, 3), observations);

describe('notice alerts', () => {
  it('alerts on new wording only, once per change report', () => {
    const baseline = notice({ status: 'baseline' });
    const changed = notice({ status: 'changed', alert: true });
    expect(
      notices([
        baseline,
        changed,
        { ...changed },
        notice({ status: 'changed', alert: false }),
        notice({ status: 'unchanged' }),
      ]),
    ).toEqual([[], ['notice-changed'], null, [], null]);
  });

  it('alerts on a change a later check names when the change run died before alerting, but not on first sight', () => {
    const first = notice({
      status: 'unchanged',
      lastChange: { report: 'drift/old.json', at: '2026-01-01T00:00:00Z', alert: true },
    });
    const lost = { report: 'drift/2026/12/01/n/lost.json', at: '2026-12-01T06:00:00Z', alert: true };
    expect(notices([first, notice({ lastChange: lost }), notice({ lastChange: lost })])).toEqual([
      [],
      ['notice-changed'],
      null,
    ]);
  });

  it('opens check-failing after 3 consecutive failures once, and check-recovered once at the first good check', () => {
    expect(
      notices([
        notice({ status: 'error' }),
        notice({ status: 'error' }),
        notice({ status: 'unchanged' }),
        notice({ status: 'error' }),
        notice({ status: 'error' }),
        notice({ status: 'error' }),
        notice({ status: 'error' }),
        notice({ status: 'unchanged' }),
        notice({ status: 'unchanged' }),
      ]),
    ).toEqual([[], [], [], [], [], ['check-failing'], [], ['check-recovered'], null]);
  });

  it('holds a suspect body with one notice-held alert, again only for a new episode', () => {
    expect(
      notices([
        notice({ status: 'error', suspectHash: 'aaa' }),
        notice({ status: 'error', suspectHash: 'aaa' }),
        notice({ status: 'error' }),
        notice({ status: 'unchanged' }),
        notice({ status: 'error', suspectHash: 'aaa' }),
      ]),
      // The third failing check in a row also opens check-failing; the good check closes both episodes.
    ).toEqual([['notice-held'], [], ['check-failing'], ['check-recovered'], ['notice-held']]);
  });

  it('ignores the same run twice and a check older than the last one folded in', () => {
    const failing = notice({ status: 'error' });
    const older = { ...notice({ status: 'error' }), checkedAt: '2020-01-01T00:00:00.000Z' };
    expect(notices([failing, { ...failing }, older])).toEqual([[], null, null]);
  });
});

describe('endpoint alerts', () => {
  it('alerts when compliance is lost and when it is restored, once each', () => {
    expect(
      endpoints([
        endpoint({}),
        endpoint({ compliant: false }),
        endpoint({ compliant: false }),
        endpoint({ compliant: true }),
        endpoint({}),
      ]),
    ).toEqual([[], ['endpoint-noncompliant'], null, ['endpoint-recovered'], null]);
  });

  it('alerts on a breach found by the first check', () => {
    expect(endpoints([endpoint({ compliant: false })])).toEqual([['endpoint-noncompliant']]);
  });

  it('alerts when the certificate crosses the expiry warning, and when it is renewed', () => {
    const steps: EndpointObservation[] = [
      endpoint({}),
      endpoint({ certExpiring: true }),
      endpoint({ certExpiring: true }),
      endpoint({}),
    ];
    expect(endpoints(steps)).toEqual([[], ['endpoint-noncompliant'], null, ['endpoint-recovered']]);
  });

  it('counts an incomplete check as failing and leaves compliance alone', () => {
    expect(
      endpoints([
        endpoint({ compliant: false }),
        endpoint({ incomplete: true, compliant: false }),
        endpoint({ incomplete: true, compliant: false }),
        endpoint({ incomplete: true, compliant: false }),
        endpoint({ compliant: false }),
        endpoint({ compliant: true }),
      ]),
    ).toEqual([['endpoint-noncompliant'], [], [], ['check-failing'], ['check-recovered'], ['endpoint-recovered']]);
  });
});

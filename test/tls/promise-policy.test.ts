import { describe, expect, it } from 'vitest';

import { checkPromises, effectiveMinTls } from '../../shared/tls/policy';
import type { ProtocolDetail, ProtocolName, TlsPromise } from '../../shared/tls/types';

const detail = (verdict: ProtocolDetail['verdict']): ProtocolDetail => ({ verdict, reason: 'test', attempts: 1 });
const protocols = (
  verdicts: [ProtocolDetail['verdict'], ProtocolDetail['verdict'], ProtocolDetail['verdict']],
): Record<ProtocolName, ProtocolDetail> => ({
  SSLv3: detail(verdicts[0]),
  TLSv1: detail(verdicts[1]),
  'TLSv1.1': detail(verdicts[2]),
  'TLSv1.2': detail('accepted'),
  'TLSv1.3': detail('accepted'),
});
const promise = (value: TlsPromise['value']): TlsPromise => ({
  notice: 'n',
  claim: 'tlsMinimum',
  value,
  evidence: null,
});

describe('whether an endpoint keeps a TLS promise', () => {
  it('holds when every version below the promise is refused', () => {
    expect(checkPromises([promise('1.2')], protocols(['rejected', 'rejected', 'rejected'])).checks[0].holds).toBe(true);
  });

  it('cannot be told when a version below it is undetermined, and is broken as soon as one is accepted', () => {
    expect(checkPromises([promise('1.2')], protocols(['rejected', 'error', 'rejected'])).checks[0].holds).toBeNull();
    const broken = checkPromises([promise('1.2')], protocols(['rejected', 'error', 'accepted']));
    expect(broken.checks[0].holds).toBe(false);
    expect(broken.findings.map((finding) => finding.id)).toEqual(['PROMISE_BROKEN']);
  });

  it('cannot be told when nothing is promised or the endpoint was not reached', () => {
    expect(checkPromises([promise(null)], protocols(['accepted', 'accepted', 'accepted'])).checks[0].holds).toBeNull();
    expect(checkPromises([promise('1.2')], null).checks[0].holds).toBeNull();
  });

  it('checks against the strictest of the own minimum and the promises', () => {
    expect(effectiveMinTls('1.0', [promise('1.2'), promise(null)])).toBe('1.2');
    expect(effectiveMinTls('1.3', [promise('1.2')])).toBe('1.3');
  });
});

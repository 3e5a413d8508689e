import { describe, expect, it } from 'vitest';

import { readSettings } from '../../shared/config';
import { driftRunOptions, tlsRunOptions } from '../../shared/runs';

describe('the run options every trigger builds', () => {
  const settings = { ...readSettings({}), runBudgetMs: 480_000 };
  const startedAt = new Date('2026-11-29T06:00:00.000Z');
  const start = { settings, runId: '20261129T060000Z-abc', startedAt };

  it('give timer and CLI runs the full budget and HTTP runs the window of a request', () => {
    const timer = driftRunOptions({ ...start, trigger: 'timer' });
    expect(timer).toMatchObject({
      deadline: startedAt.getTime() + 480_000,
      hardDeadline: startedAt.getTime() + 540_000,
      concurrency: 4,
      trigger: 'timer',
      fetchOptions: { timeoutMs: 20_000 },
    });
    expect(driftRunOptions({ ...start, trigger: 'cli' }).deadline).toBe(timer.deadline);
    const http = driftRunOptions({ ...start, trigger: 'http' });
    expect(http.hardDeadline! - startedAt.getTime()).toBe(210_000);
  });

  it('say by name who may be checked, and take limits from the settings they are given', () => {
    const options = tlsRunOptions(
      { ...start, settings: { ...settings, tlsTimeoutMs: 900, concurrency: 2 }, trigger: 'http' },
      { allowPrivate: false, opaqueErrors: true },
      { ca: 'PEM' },
    );
    expect(options.tls).toEqual({ allowPrivate: false, opaqueErrors: true, timeoutMs: 900, ca: 'PEM' });
    expect(options.concurrency).toBe(2);
    expect(options.deadline).toBe(startedAt.getTime() + 190_000);
  });
});

import { describe, expect, it } from 'vitest';

import { noStoreFailure } from '../../functions/http-responses';
import { testContext } from '../support/function-harness';

const SAS_URL = 'https://acct.blob.core.windows.net/reports/latest.json?sv=2024-05-04&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D';

describe('noStoreFailure', () => {
  it('logs storage trouble with its secrets redacted, and answers it redacted and uncached', () => {
    const { context, logs } = testContext('history');
    const response = noStoreFailure(context, 'history', {
      code: 'STORAGE_UNAVAILABLE',
      message: `Storage answered 503 for ${SAS_URL}`,
    });

    expect(response.status).toBe(503);
    expect((response.headers as Record<string, string>)['Cache-Control']).toBe('no-store');
    expect(JSON.stringify(response.jsonBody)).not.toContain('c2VjcmV0');
    expect(logs).toHaveLength(1);
    expect(logs[0].message).toContain('history: [STORAGE_UNAVAILABLE] Storage answered 503');
    expect(logs[0].message).toContain('[REDACTED]');
    expect(logs[0].message).not.toContain('c2VjcmV0');
  });

  it("answers the caller's own mistakes without logging them", () => {
    const { context, logs } = testContext('reviews');
    const response = noStoreFailure(context, 'reviews', {
      code: 'REVIEW_STATUS_INVALID',
      message: 'status is missing',
    });

    expect(response.status).toBe(400);
    expect(logs).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';

import { hostDeps } from '../../functions/function-deps';

describe('hostDeps storage choice', () => {
  const account =
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:7001/devstoreaccount1;';
  const jobs =
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:7002/devstoreaccount1;';

  it.each([
    [
      'a connection string first',
      {
        AZURE_STORAGE_CONNECTION_STRING: account,
        NOTICEWATCH_STORAGE_ACCOUNT_URL: 'http://127.0.0.1:7003/acct',
        AzureWebJobsStorage: jobs,
      },
      '127.0.0.1:7001',
    ],
    [
      'then an account URL',
      { NOTICEWATCH_STORAGE_ACCOUNT_URL: 'http://127.0.0.1:7003/acct', AzureWebJobsStorage: jobs },
      '127.0.0.1:7003',
    ],
    ["then the app's own storage", { AzureWebJobsStorage: jobs }, '127.0.0.1:7002'],
  ])('uses %s', async (_label, env, expected) => {
    const store = await hostDeps(env).getStore();
    expect(store.ok && store.value.description).toContain(expected);
  });

  it('says what to set when nothing is configured', async () => {
    const store = await hostDeps({}).getStore();
    expect(!store.ok && store.problem.code).toBe('STORAGE_NOT_CONFIGURED');
  });
});

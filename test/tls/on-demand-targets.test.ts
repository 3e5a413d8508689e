import { describe, expect, it } from 'vitest';

import { endpointsFromArguments } from '../../cli/check-commands';
import { WATCHLIST_ID } from '../../shared/config';
import {
  adHocEndpoint,
  authoriseTargets,
  findWatchlistEndpoint,
  parseTargetInput,
  parseTargetList,
  uniqueTargets,
} from '../../shared/tls';

describe('adHocEndpoint', () => {
  it.each([
    ['localhost', 443, 'localhost-443'],
    ['Example.COM', 8443, 'example.com-8443'],
    ['127.0.0.1', 443, '127.0.0.1-443'],
    ['::1', 443, '1-443'],
    ['fe80::1', 443, 'fe80-1-443'],
    ['::', 443, '443'],
    ['a..b...example', 443, 'a.b.example-443'],
    ['-_.leading.example', 443, 'leading.example-443'],
    ['under_score.example', 443, 'under-score.example-443'],
  ])('%s:%i has id %s', (host, port, id) => {
    expect(adHocEndpoint({ host, port })).toEqual({ id, host, port });
  });

  it('keeps the port suffix and the 80-character limit for a long host', () => {
    const { id } = adHocEndpoint({ host: `${'a'.repeat(63)}.${'b'.repeat(63)}.example`, port: 65535 });
    expect(id).toHaveLength(80);
    expect(id.endsWith('-65535')).toBe(true);
    expect(id).toMatch(WATCHLIST_ID);
  });

  it('always yields a valid watchlist id', () => {
    const alphabet = 'aZ09.-_:[]@ %é.';
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 2000; i++) {
      const host = Array.from({ length: 1 + random(120) }, () => alphabet[random(alphabet.length)]).join('');
      expect(adHocEndpoint({ host, port: 1 + random(65535) }).id).toMatch(WATCHLIST_ID);
    }
  });

  it('is what the CLI uses for HOST:PORT arguments', () => {
    const cli = endpointsFromArguments(['Localhost:8443', '[::1]:443']);
    expect(cli.ok && cli.value).toEqual([
      adHocEndpoint({ host: 'Localhost', port: 8443 }),
      adHocEndpoint({ host: '::1', port: 443 }),
    ]);
  });
});

describe('duplicate targets', () => {
  it('are checked once, keeping the first spelling', () => {
    expect(
      uniqueTargets([
        { host: 'Example.com', port: 443 },
        { host: 'example.COM', port: 443 },
        { host: 'example.com', port: 8443 },
        { host: '127.0.0.1', port: 443 },
        { host: '2130706433', port: 443 },
      ]),
    ).toEqual([
      { host: 'Example.com', port: 443 },
      { host: 'example.com', port: 8443 },
      { host: '127.0.0.1', port: 443 },
    ]);
  });

  it('in a request body', () => {
    const list = parseTargetList([
      'example.com',
      'example.com:443',
      { host: 'EXAMPLE.com', port: 443 },
      'example.com:444',
    ]);
    expect(list.ok && list.value).toEqual([
      { host: 'example.com', port: 443 },
      { host: 'example.com', port: 444 },
    ]);
  });

  it('in CLI arguments', () => {
    const cli = endpointsFromArguments(['example.com', 'example.com:443', 'EXAMPLE.COM']);
    expect(cli.ok && cli.value.map((endpoint) => endpoint.id)).toEqual(['example.com-443']);
  });

  it('still count towards the limit on targets', () => {
    const list = parseTargetList(Array.from({ length: 21 }, () => 'example.com'));
    expect(list.ok ? null : list.problem.code).toBe('TOO_MANY_TARGETS');
  });
});

describe('target parsing and watchlist matching', () => {
  it.each([
    [{ host: 'example.com', ca: '/etc/passwd' }, 'TARGET_INVALID'],
    [{ host: '' }, 'HOST_INVALID'],
    [{ host: 'example.com', port: 0 }, 'PORT_INVALID'],
    [42, 'TARGET_INVALID'],
    ['exa mple', 'HOST_INVALID'],
  ])('refuses %j with %s', (input, code) => {
    const parsed = parseTargetInput(input, 3);
    expect(parsed.ok ? null : parsed.problem).toMatchObject({ code, message: expect.stringMatching(/^item 3: /) });
  });

  it.each([[null], [{}], ['example.com'], [{ endpoints: 'x' }]])('refuses the body %j', (body) => {
    const parsed = parseTargetList(body);
    expect(parsed.ok ? null : parsed.problem.code).toBe('JSON_INVALID');
  });

  it('accepts { endpoints: [...] } and host/port objects', () => {
    const parsed = parseTargetList({ endpoints: [{ host: 'example.com', port: '8443' }, '[2001:db8::1]:443'] });
    expect(parsed.ok && parsed.value).toEqual([
      { host: 'example.com', port: 8443 },
      { host: '2001:db8::1', port: 443 },
    ]);
  });

  it('finds a watchlist endpoint by host (any case) and port, 443 by default', () => {
    const endpoints = [
      { id: 'a', host: 'A.example' },
      { id: 'b', host: 'b.example', port: 8443 },
    ];
    expect(findWatchlistEndpoint(endpoints, { host: 'a.EXAMPLE', port: 443 })?.id).toBe('a');
    expect(findWatchlistEndpoint(endpoints, { host: 'b.example', port: 8443 })?.id).toBe('b');
    expect(findWatchlistEndpoint(endpoints, { host: 'b.example', port: 443 })).toBeUndefined();
  });
});

describe('authoriseTargets', () => {
  const watchlist = [{ id: 'api', host: 'api.example.com', port: 443 }];
  const lookup = async (host: string) =>
    host === 'internal.example.com' ? [{ address: '10.0.0.7', family: 4 }] : [{ address: '20.70.0.10', family: 4 }];
  const policy = { allowAnyHost: false, allowPrivate: false, lookup, timeoutMs: 1_000 };

  it('gives watchlist endpoints for their targets, one per endpoint whatever the host case', async () => {
    const allowed = await authoriseTargets(
      [
        { host: 'API.example.com', port: 443 },
        { host: 'api.example.com', port: 443 },
      ],
      watchlist,
      policy,
    );
    expect(allowed.ok && allowed.value).toEqual(watchlist);
  });

  it('refuses hosts off the watchlist unless any host is allowed, then checks them as ad-hoc endpoints', async () => {
    const target = { host: 'other.example.com', port: 8443 };
    const refused = await authoriseTargets([target], watchlist, policy);
    expect(!refused.ok && refused.problem.code).toBe('TARGET_NOT_ALLOWED');
    const allowed = await authoriseTargets([target], watchlist, { ...policy, allowAnyHost: true });
    expect(allowed.ok && allowed.value).toEqual([adHocEndpoint(target)]);
  });

  it('refuses a name that resolves to a private address, in the same words as one that does not exist', async () => {
    const internal = await authoriseTargets([{ host: 'internal.example.com', port: 443 }], [], {
      ...policy,
      allowAnyHost: true,
    });
    expect(!internal.ok && internal.problem).toEqual({
      code: 'TARGET_NOT_ALLOWED',
      message: 'internal.example.com:443 cannot be checked from here.',
    });
    const allowed = await authoriseTargets([{ host: 'internal.example.com', port: 443 }], [], {
      ...policy,
      allowAnyHost: true,
      allowPrivate: true,
    });
    expect(allowed.ok).toBe(true);
  });
});

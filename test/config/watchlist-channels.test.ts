import { describe, expect, it } from 'vitest';

import { parseWatchlist } from '../../shared/config';

const NOTICE = { id: 'n', url: 'https://example.com/n.md', format: 'markdown' };
const SECRET_URL =
  'https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=TOPSECRET';

function parse(document: object) {
  const parsed = parseWatchlist(document);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.value;
}

describe('watchlist channels', () => {
  it('accepts webhook and teams channels, by URL setting or by URL, and notify lists that name them', () => {
    const watchlist = parse({
      notices: [{ ...NOTICE, notify: ['ops'] }],
      endpoints: [{ id: 'api', host: 'api.example.com', notify: ['ops', 'teams'] }],
      channels: [
        { id: 'ops', kind: 'webhook', urlSetting: 'OPS_HOOK_URL', secretSetting: 'OPS_HOOK_SECRET' },
        { id: 'teams', kind: 'teams', url: 'https://example.webhook.office.com/x' },
      ],
    });
    expect(watchlist.problems).toEqual([]);
    expect(watchlist.channels.map((channel) => channel.id)).toEqual(['ops', 'teams']);
    expect(watchlist.notices[0].notify).toEqual(['ops']);
  });

  it('rejects a bad channel with its position and reason, and never quotes its URL', () => {
    const watchlist = parse({
      notices: [NOTICE],
      channels: [
        { id: 'both', kind: 'webhook', url: 'https://a.example/h', urlSetting: 'X' },
        { id: 'none', kind: 'teams' },
        { id: 'teams-secret', kind: 'teams', urlSetting: 'T', secretSetting: 'S' },
        { id: 'creds', kind: 'webhook', url: 'https://user:TOPSECRET@hooks.example/x' },
        { id: 'bad-setting', kind: 'webhook', urlSetting: 'has space' },
        { id: 'ftp', kind: 'webhook', url: 'ftp://hooks.example/TOPSECRET' },
        { id: 'email', kind: 'email', url: SECRET_URL },
      ],
    });
    expect(watchlist.channels).toEqual([]);
    const messages = watchlist.problems.map((problem) => problem.message);
    expect(messages).toHaveLength(7);
    expect(messages[0]).toBe('channels[0] ("both"): give exactly one of "url" and "urlSetting"');
    expect(messages[1]).toBe('channels[1] ("none"): give exactly one of "url" and "urlSetting"');
    expect(messages[2]).toContain('secretSetting applies to webhook channels only');
    expect(messages[3]).toContain('must not contain credentials');
    expect(messages[5]).toContain('url must match pattern');
    for (const message of messages) expect(message).not.toContain('TOPSECRET');
  });

  it('keeps an entry whose notify names an unknown channel, and says which', () => {
    const watchlist = parse({
      notices: [{ ...NOTICE, notify: ['ops', 'typo'] }],
      channels: [{ id: 'ops', kind: 'webhook', urlSetting: 'OPS' }],
    });
    expect(watchlist.notices).toHaveLength(1);
    expect(watchlist.notices[0].notify).toEqual(['ops']);
    expect(watchlist.problems).toEqual([
      {
        code: 'WATCHLIST_CHANNEL_UNKNOWN',
        message: expect.stringContaining('notices "n": notify names "typo"'),
      },
    ]);
  });
});

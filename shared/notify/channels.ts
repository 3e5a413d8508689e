import { redactSecrets } from '../common/redact';
import { fail, ok, type Result } from '../common/result';
import type { ChannelConfig } from '../config/types';

/** A channel with its URL and secret read from the app settings: never logged, never stored. */
export interface ResolvedChannel {
  readonly id: string;
  readonly kind: ChannelConfig['kind'];
  readonly url: string;
  readonly secret: string | null;
}

/** The channels an item's alerts go to: the ones it names, or every channel when it names none. */
export function channelsFor(notify: readonly string[] | undefined, channels: readonly ChannelConfig[]): string[] {
  const ids = channels.map((channel) => channel.id);
  return notify ? ids.filter((id) => notify.includes(id)) : ids;
}

/** Reads a channel's URL and secret; a missing setting is named, its value never is. */
export function resolveChannel(channel: ChannelConfig, env: NodeJS.ProcessEnv): Result<ResolvedChannel> {
  const url = channel.url ?? (channel.urlSetting ? env[channel.urlSetting]?.trim() : undefined);
  if (!url)
    return fail(
      'CHANNEL_URL_REQUIRED',
      `Channel "${channel.id}": app setting ${channel.urlSetting ?? '(none)'} is not set; set it to the channel's URL.`,
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail('CHANNEL_URL_INVALID', `Channel "${channel.id}": its URL is not a valid URL.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return fail('CHANNEL_URL_INVALID', `Channel "${channel.id}": its URL must use http or https.`);
  let secret: string | null = null;
  if (channel.secretSetting) {
    secret = env[channel.secretSetting] ?? '';
    if (!secret)
      return fail(
        'CHANNEL_SECRET_REQUIRED',
        `Channel "${channel.id}": app setting ${channel.secretSetting} (its signing secret) is not set.`,
      );
  }
  return ok({ id: channel.id, kind: channel.kind, url, secret });
}

/**
 * Removes every channel URL (whole, and its path and query, which carry the secret part) and
 * every signing secret from a text, on top of the generic secret patterns. Applied to every
 * message the notify domain produces, whatever its origin.
 */
export function channelRedactor(channels: readonly ChannelConfig[], env: NodeJS.ProcessEnv): (text: string) => string {
  const values = new Set<string>();
  for (const channel of channels) {
    const url = channel.url ?? (channel.urlSetting ? env[channel.urlSetting]?.trim() : undefined);
    if (url) {
      values.add(url);
      try {
        const parsed = new URL(url);
        if (parsed.pathname.length > 1) values.add(parsed.pathname);
        if (parsed.search) values.add(parsed.search.slice(1));
        values.add(parsed.href);
      } catch {
        // Not a URL: the whole value is still redacted.
      }
    }
    const secret = channel.secretSetting ? env[channel.secretSetting] : undefined;
    if (secret) values.add(secret);
  }
  // Longest first, so a URL is replaced whole before its path is looked for.
  const ordered = [...values].filter((value) => value.length >= 4).sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text;
    for (const value of ordered) out = out.split(value).join('[REDACTED]');
    return redactSecrets(out);
  };
}

import { readSettings } from '../shared/config';
import { findChannel, sendTestAlert } from '../shared/notify';
import { type CliOptions, cliWatchlist, reportProblem, UsageError } from './cli-context';

const DEFAULT_TEST_TIMEOUT_MS = 10_000;

/** `noticewatch notify test CHANNEL`: a sample alert to one channel of the watchlist, no storage involved. */
export async function runNotifyTest(channelId: string, options: CliOptions): Promise<number> {
  const json = options.json === true;
  const timeoutMs = options.timeout === undefined ? DEFAULT_TEST_TIMEOUT_MS : Number(options.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new UsageError(`--timeout must be a positive whole number, got "${options.timeout}"`);
  const settings = readSettings();
  const watchlist = await cliWatchlist(options, settings);
  if (!watchlist.ok) return reportProblem(watchlist.problem, json);
  const channel = findChannel(watchlist.value.channels, channelId);
  if (!channel.ok) return reportProblem(channel.problem, json);
  const sent = await sendTestAlert(channel.value, process.env, { publicUrl: settings.publicUrl, timeoutMs });
  if (!sent.ok) return reportProblem(sent.problem, json);
  const { status, attempts } = sent.value;
  process.stdout.write(
    json
      ? `${JSON.stringify({ channel: channel.value.id, kind: channel.value.kind, sent: true, status, attempts }, null, 2)}\n`
      : `Sent a test alert to ${channel.value.kind} channel "${channel.value.id}": HTTP ${status} after ${attempts} attempt(s).\n`,
  );
  return 0;
}

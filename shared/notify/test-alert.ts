import { fail, ok, type Result } from '../common/result';
import type { ChannelConfig } from '../config/types';
import { channelRedactor, resolveChannel } from './channels';
import { alertLinks, type AlertPayload, idempotencyKey, PAYLOAD_SCHEMA_VERSION } from './payload';
import { sendAlert } from './send-alert';

/** A made-up notice-changed alert, marked `test`, with the shape of a real one. */
export function sampleAlert(now: Date, publicUrl: string | undefined): AlertPayload {
  const stamp = now.toISOString();
  const runId = `${stamp.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-test`;
  const report = `drift/${stamp.slice(0, 4)}/${stamp.slice(5, 7)}/${stamp.slice(8, 10)}/noticewatch-test/${runId}.json`;
  return {
    schemaVersion: PAYLOAD_SCHEMA_VERSION,
    id: idempotencyKey(report, 'notice-changed'),
    kind: 'notice-changed',
    occurredAt: stamp,
    runId,
    subject: { type: 'notice', id: 'noticewatch-test', url: 'https://example.com/privacy' },
    report,
    title: 'Notice noticewatch-test changed',
    summary: {
      text: 'New wording in 1 section(s): Privacy notice > Data we keep. This is a test.',
      sections: [{ heading: 'Privacy notice > Data we keep', change: 'modified' }],
      sectionsTotal: 1,
      metadataKeys: ['ms.date'],
      words: { heading: 'Privacy notice > Data we keep', removed: '90 days', added: '180 days' },
      linesAdded: 1,
      linesRemoved: 1,
    },
    links: alertLinks(publicUrl, report, 'notice-changed'),
    test: true,
  };
}

/** `noticewatch notify test <channel>`: one sample alert, straight to the channel (no outbox), a few tries. */
export async function sendTestAlert(
  channel: ChannelConfig,
  env: NodeJS.ProcessEnv,
  options: { publicUrl?: string; timeoutMs?: number; attempts?: number; now?: () => Date } = {},
): Promise<Result<{ status: number; attempts: number }>> {
  const now = options.now ?? (() => new Date());
  const redact = channelRedactor([channel], env);
  const resolved = resolveChannel(channel, env);
  if (!resolved.ok) return fail(resolved.problem.code, redact(resolved.problem.message));
  const payload = sampleAlert(now(), options.publicUrl);
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt += 1) {
    const sent = await sendAlert(resolved.value, payload, { timeoutMs: options.timeoutMs ?? 10_000, now });
    if (sent.delivered) return ok({ status: sent.status ?? 0, attempts: attempt });
    if (!sent.retryable || attempt >= attempts)
      return fail(
        sent.problem?.code ?? 'CHANNEL_ERROR',
        redact(sent.problem?.message ?? 'The channel refused the alert.'),
      );
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
}

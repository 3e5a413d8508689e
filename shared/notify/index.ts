export {
  alertsAfterDrift,
  alertsAfterTls,
  findChannel,
  notifyOptions,
  type AlertsOutcome,
  type AlertWindow,
  type NotificationSummary,
  type NotifyOptions,
} from './notify-run';
export { ALERT_KINDS, PAYLOAD_SCHEMA_VERSION, type AlertKind, type AlertPayload } from './payload';
export { signatureFor, verifySignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signing';
export { teamsMessage, type TeamsMessage } from './teams-card';
export { channelRedactor, channelsFor, resolveChannel } from './channels';
export { DEFAULT_DELIVERY, type DeliveryOutcome, type DeliveryTuning } from './deliver';
export { outboxName, PENDING_NAME, type OutboxRecord } from './outbox';
export { sampleAlert, sendTestAlert } from './test-alert';

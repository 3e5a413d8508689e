export { channelRedactor } from './channels';
export { DEFAULT_DELIVERY, type DeliveryOutcome, type DeliveryTuning } from './deliver';
export {
  alertsAfterDrift,
  alertsAfterTls,
  type AlertsOutcome,
  type AlertWindow,
  findChannel,
  type NotificationSummary,
  type NotifyOptions,
  notifyOptions,
} from './notify-run';
export { type OutboxRecord } from './outbox';
export { ALERT_KINDS, type AlertKind, type AlertPayload } from './payload';
export { signatureFor, verifySignature } from './signing';
export { type TeamsMessage, teamsMessage } from './teams-card';
export { sampleAlert, sendTestAlert } from './test-alert';

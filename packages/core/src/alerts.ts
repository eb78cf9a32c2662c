/**
 * The vocabularies of alerting, each listed once: the alerts package, the store, the API's schemas and the
 * dashboard (as types) take them from here.
 */

/** Every chat platform n1radar can post to; adding one is a file in notifiers/ and an entry in registry.ts. */
export const DESTINATION_TYPES = [
  "slack",
  "discord",
  "teams",
  "googlechat",
  "mattermost",
  "webhook",
] as const;
export type DestinationType = (typeof DESTINATION_TYPES)[number];

/** What can make an offender alert: first seen, seen again after a resolve, or past a destination's bar. */
export const ALERT_EVENTS = ["new", "regression", "threshold"] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/**
 * A delivery's state: pending (until answered; an attempt cut short by a crash is sent again), sent, or dead (out
 * of attempts, or refused with a 4xx: the dead letters, re-sendable).
 */
export const DELIVERY_STATUSES = ["pending", "sent", "dead"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const WEBHOOK_SECRET =
  /^whsec_((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4}))$/;

/**
 * Whether `secret` is a Standard Webhooks secret: `whsec_` followed by base64 (padded) of at least 16 bytes.
 * Pure, for the API's schema; @n1radar/alerts decodes the key when it signs.
 */
export function isWebhookSecret(secret: string): boolean {
  const encoded = WEBHOOK_SECRET.exec(secret)?.[1];
  if (encoded === undefined) return false;
  const padding = encoded.endsWith("==") ? 2 : encoded.endsWith("=") ? 1 : 0;
  return (encoded.length / 4) * 3 - padding >= 16;
}

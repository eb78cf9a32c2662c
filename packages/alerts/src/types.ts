import type { AlertEvent, Offender } from "@n1radar/core";

// The platforms and events are vocabularies the API and the dashboard share: core lists them.
export { ALERT_EVENTS, type AlertEvent, DESTINATION_TYPES, type DestinationType } from "@n1radar/core";

/** One offender worth telling a channel about, with the numbers the message quotes. */
export interface AlertItem {
  event: AlertEvent;
  /** The API's offender, guidance included (the generic webhook sends all of it). */
  offender: Offender;
  /** `deployment.environment(.name)` of the traces that showed it, when they carried one. */
  environment: string | null;
  /** Time the repeats wasted in the offender's latest hour of traffic. */
  wastedMsPerHour: number;
  /** PUBLIC_URL/findings/<id>, or null when PUBLIC_URL is not set. */
  url: string | null;
}

interface MessageBase {
  /** The idempotency key: Standard Webhooks' `webhook-id`, the same on every retry. */
  id: string;
  /** ISO 8601 time the message was composed. */
  createdAt: string;
  /** PUBLIC_URL, or null. */
  dashboardUrl: string | null;
}

/** What a notifier formats: one offender, a digest of many that arrived together, or a test message. */
export type AlertMessage =
  | (MessageBase & { kind: "alert"; item: AlertItem })
  | (MessageBase & { kind: "digest"; items: AlertItem[] })
  | (MessageBase & { kind: "test"; destinationName: string });

/** At most `limit` messages per `windowMs` per destination: the platform's documented webhook rate. */
export interface Pacing {
  limit: number;
  windowMs: number;
}

export interface SignContext {
  id: string;
  /** Seconds since the epoch, for this attempt. */
  timestampSec: number;
  body: string;
  secret: string | null;
}

/**
 * One chat platform: how a message looks there (within its documented limits, untrusted text neutralised for its
 * markup) and how fast it may be sent. Notifiers are pure; delivery and storage live in the server.
 */
export interface Notifier {
  label: string;
  pacing: Pacing;
  /** The JSON body to POST. */
  format(message: AlertMessage): unknown;
  /** Extra request headers for one attempt (the generic webhook's signature). */
  headers?(context: SignContext): Record<string, string>;
}

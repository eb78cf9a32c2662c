/**
 * Generic JSON webhook, signed as the Standard Webhooks specification says: the body is
 * `{ type, timestamp, data }` and carries the whole offender (the API's fields, guidance included); the
 * `webhook-id`, `webhook-timestamp` and `webhook-signature` headers let the receiver check it and refuse replays.
 * JSON needs no markup escaping: receivers get the text as it was.
 */
import { signatureHeaders } from "../signature.js";
import type { AlertItem, AlertMessage, Notifier } from "../types.js";

function itemData(item: AlertItem) {
  return {
    event: item.event,
    environment: item.environment,
    wastedMsPerHour: item.wastedMsPerHour,
    url: item.url,
    offender: item.offender,
  };
}

export const webhook: Notifier = {
  label: "Webhook",
  pacing: { limit: 10, windowMs: 1_000 },
  format(message: AlertMessage) {
    const base = { timestamp: message.createdAt };
    if (message.kind === "test") {
      return { type: "n1radar.test", ...base, data: { destination: message.destinationName } };
    }
    if (message.kind === "digest") {
      return { type: "n1radar.digest", ...base, data: { alerts: message.items.map(itemData) } };
    }
    return { type: `n1radar.offender.${message.item.event}`, ...base, data: itemData(message.item) };
  },
  headers: (context) => signatureHeaders(context),
};

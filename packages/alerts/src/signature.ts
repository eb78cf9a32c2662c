/**
 * Standard Webhooks signatures (standardwebhooks.com): HMAC-SHA256 over `id.timestamp.body` with the secret's
 * bytes (`whsec_` + base64), sent as `webhook-signature: v1,<base64>`. The id stays the same on every retry; the
 * timestamp is the attempt's, so a receiver can refuse old (replayed) requests.
 */
import { createHmac, randomBytes } from "node:crypto";
import { isWebhookSecret } from "@n1radar/core";
import type { SignContext } from "./types.js";

const PREFIX = "whsec_";

/** A new random secret in the `whsec_<base64>` form receivers' libraries expect. */
export function generateSecret(): string {
  return `${PREFIX}${randomBytes(32).toString("base64")}`;
}

/** The key bytes of a `whsec_` secret; null when it is not one (at least 16 bytes of valid base64). */
export function secretKey(secret: string): Buffer | null {
  return isWebhookSecret(secret) ? Buffer.from(secret.slice(PREFIX.length), "base64") : null;
}

export function sign(secret: string, id: string, timestampSec: number, body: string): string {
  const key = secretKey(secret);
  if (!key) throw new Error("a webhook secret is whsec_ followed by base64 of at least 16 bytes");
  const mac = createHmac("sha256", key).update(`${id}.${timestampSec}.${body}`).digest("base64");
  return `v1,${mac}`;
}

/** The three headers; without a secret only the id and timestamp (the body is then unsigned). */
export function signatureHeaders(context: SignContext): Record<string, string> {
  const headers: Record<string, string> = {
    "webhook-id": context.id,
    "webhook-timestamp": String(context.timestampSec),
  };
  if (context.secret) {
    headers["webhook-signature"] = sign(context.secret, context.id, context.timestampSec, context.body);
  }
  return headers;
}

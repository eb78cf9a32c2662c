/**
 * What to do after one delivery attempt. 2xx: sent. 429: retry after the platform's own wait (Retry-After,
 * Discord's X-RateLimit-Reset-After or JSON `retry_after`), never sooner than the backoff. 5xx, 408, timeouts and
 * network errors: retry with exponential backoff and jitter. 404 and 410 (a deleted webhook): disable the
 * destination. Any other answer (4xx, a redirect, which is never followed): fail without retrying, since the
 * same request would fail the same way. After the last attempt a retryable failure is dead-lettered.
 */

export interface RetrySettings {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetrySettings: RetrySettings = {
  maxAttempts: 8,
  baseDelayMs: 2_000,
  maxDelayMs: 15 * 60_000,
};

/** One attempt's result: an HTTP answer, or an error before one (timeout, refused, DNS, blocked address). */
export type AttemptResult =
  | { status: number; headers: Record<string, string | undefined>; body: string }
  | { error: string };

export type Decision =
  | { action: "sent" }
  | { action: "retry"; delayMs: number; reason: string }
  | { action: "dead"; reason: string }
  | { action: "fail"; reason: string }
  | { action: "disable"; reason: string };

/** Exponential backoff with equal jitter: half the step fixed, half random, capped. `attempt` counts from 1. */
export function backoffMs(
  attempt: number,
  settings: RetrySettings,
  random: () => number = Math.random,
): number {
  const step = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined || value.trim() === "") return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1_000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/**
 * Discord's JSON `retry_after` is documented in seconds (a float); old API versions answered milliseconds, so an
 * integer of 1000 or more is read as milliseconds.
 */
function jsonRetryAfterMs(body: string): number | null {
  if (!body.includes("retry_after")) return null;
  try {
    const value = (JSON.parse(body) as { retry_after?: unknown }).retry_after;
    if (typeof value !== "number" || !(value >= 0)) return null;
    return Number.isInteger(value) && value >= 1_000 ? value : value * 1_000;
  } catch {
    return null;
  }
}

/** The platform's requested wait on a 429, in ms, or null when it named none. */
export function rateLimitWaitMs(
  result: { headers: Record<string, string | undefined>; body: string },
  nowMs: number,
): number | null {
  const candidates = [
    parseRetryAfter(result.headers["retry-after"], nowMs),
    parseRetryAfter(result.headers["x-ratelimit-reset-after"], nowMs),
    jsonRetryAfterMs(result.body),
  ].filter((v): v is number => v !== null);
  return candidates.length === 0 ? null : Math.max(...candidates);
}

function describe(result: { status: number; body: string }): string {
  const body = result.body.replace(/\s+/g, " ").trim().slice(0, 200);
  return body ? `HTTP ${result.status}: ${body}` : `HTTP ${result.status}`;
}

export function decide(
  result: AttemptResult,
  attempt: number,
  settings: RetrySettings,
  nowMs: number,
  random: () => number = Math.random,
): Decision {
  let reason: string;
  let delayMs = backoffMs(attempt, settings, random);
  if ("error" in result) {
    reason = result.error;
  } else {
    const { status } = result;
    if (status >= 200 && status < 300) return { action: "sent" };
    reason = describe(result);
    if (status === 404 || status === 410) return { action: "disable", reason };
    if (status === 429) {
      const wait = rateLimitWaitMs(result, nowMs);
      // The platform's wait wins, capped so a hostile answer cannot park the queue for days.
      if (wait !== null) delayMs = Math.min(Math.max(wait, 0), settings.maxDelayMs * 4);
    } else if (status < 500 && status !== 408) {
      return { action: "fail", reason };
    }
  }
  if (attempt >= settings.maxAttempts) return { action: "dead", reason };
  return { action: "retry", delayMs, reason };
}

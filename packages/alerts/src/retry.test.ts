import { describe, expect, it } from "vitest";
import { type AttemptResult, backoffMs, decide, parseRetryAfter, type RetrySettings } from "./retry.js";

const settings: RetrySettings = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 60_000 };
const answer = (status: number, headers: Record<string, string> = {}, body = ""): AttemptResult => ({
  status,
  headers,
  body,
});
const NOW = Date.parse("2026-01-01T00:00:00Z");
const half = () => 0.5;

describe("backoff", () => {
  it("doubles per attempt with jitter in the upper half of each step, capped", () => {
    expect(backoffMs(1, settings, () => 0)).toBe(500);
    expect(backoffMs(1, settings, () => 1)).toBe(1_000);
    expect(backoffMs(3, settings, () => 0)).toBe(2_000);
    expect(backoffMs(3, settings, () => 1)).toBe(4_000);
    expect(backoffMs(30, settings, () => 1)).toBe(60_000);
  });
});

describe("decide", () => {
  it("treats 2xx as sent", () => {
    expect(decide(answer(200), 1, settings, NOW)).toEqual({ action: "sent" });
    expect(decide(answer(204), 1, settings, NOW)).toEqual({ action: "sent" });
  });

  it("retries 5xx, 408, timeouts and network errors with backoff, then dead-letters", () => {
    expect(decide(answer(500, {}, "boom"), 1, settings, NOW, half)).toEqual({
      action: "retry",
      delayMs: 750,
      reason: "HTTP 500: boom",
    });
    expect(decide(answer(503), 2, settings, NOW, half)).toMatchObject({ action: "retry", delayMs: 1_500 });
    expect(decide(answer(408), 1, settings, NOW)).toMatchObject({ action: "retry" });
    expect(decide({ error: "timed out after 5000 ms" }, 1, settings, NOW)).toMatchObject({
      action: "retry",
      reason: "timed out after 5000 ms",
    });
    expect(decide(answer(502), 4, settings, NOW)).toEqual({ action: "dead", reason: "HTTP 502" });
  });

  it("honours Retry-After in seconds and as an HTTP date on 429", () => {
    expect(decide(answer(429, { "retry-after": "7" }), 1, settings, NOW)).toMatchObject({ delayMs: 7_000 });
    const date = new Date(NOW + 30_000).toUTCString();
    expect(decide(answer(429, { "retry-after": date }), 1, settings, NOW)).toMatchObject({ delayMs: 30_000 });
  });

  it("honours Discord's JSON retry_after and X-RateLimit-Reset-After, the longest wait winning", () => {
    const body = JSON.stringify({ message: "You are being rate limited.", retry_after: 1.5, global: false });
    expect(decide(answer(429, {}, body), 1, settings, NOW)).toMatchObject({ delayMs: 1_500 });
    expect(decide(answer(429, { "x-ratelimit-reset-after": "2.25" }, body), 1, settings, NOW)).toMatchObject({
      delayMs: 2_250,
    });
    // Old API versions answered milliseconds.
    expect(decide(answer(429, {}, '{"retry_after": 2500}'), 1, settings, NOW)).toMatchObject({
      delayMs: 2_500,
    });
  });

  it("caps a platform's wait and uses the backoff when a 429 names none", () => {
    expect(decide(answer(429, { "retry-after": "999999" }), 1, settings, NOW)).toMatchObject({
      delayMs: 240_000,
    });
    expect(decide(answer(429), 1, settings, NOW, half)).toMatchObject({ action: "retry", delayMs: 750 });
  });

  it("disables the destination on 404 and 410, fails other 4xx and redirects without retrying", () => {
    expect(decide(answer(404, {}, "no_team"), 1, settings, NOW)).toEqual({
      action: "disable",
      reason: "HTTP 404: no_team",
    });
    expect(decide(answer(410), 1, settings, NOW)).toMatchObject({ action: "disable" });
    expect(decide(answer(400, {}, "invalid_blocks"), 1, settings, NOW)).toEqual({
      action: "fail",
      reason: "HTTP 400: invalid_blocks",
    });
    expect(decide(answer(403), 1, settings, NOW)).toMatchObject({ action: "fail" });
    expect(decide(answer(302, { location: "http://169.254.169.254/" }), 1, settings, NOW)).toMatchObject({
      action: "fail",
    });
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and dates and ignores garbage", () => {
    expect(parseRetryAfter("0", NOW)).toBe(0);
    expect(parseRetryAfter(" 3 ", NOW)).toBe(3_000);
    expect(parseRetryAfter(undefined, NOW)).toBeNull();
    expect(parseRetryAfter("soon", NOW)).toBeNull();
    expect(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { LoginLimiter } from "./login-limiter.js";

describe("LoginLimiter", () => {
  it("locks an address after maxFailures within the window, until the window ends", () => {
    const limiter = new LoginLimiter({ maxFailures: 3, windowMs: 1_000 });
    const locked = [0, 100, 200].map((at) => {
      expect(limiter.retryAfterMs("a", at)).toBe(0);
      return limiter.fail("a", at);
    });
    expect(locked).toEqual([false, false, true]);
    expect(limiter.retryAfterMs("a", 300)).toBe(700);
    expect(limiter.retryAfterMs("b", 300)).toBe(0);
    expect(limiter.retryAfterMs("a", 1_000)).toBe(0);
  });

  it("forgets an address on success, and keeps at most maxAddresses", () => {
    const limiter = new LoginLimiter({ maxFailures: 1, windowMs: 1_000, maxAddresses: 2 });
    limiter.fail("a", 0);
    limiter.succeed("a");
    expect(limiter.retryAfterMs("a", 1)).toBe(0);
    limiter.fail("b", 0);
    limiter.fail("c", 0);
    limiter.fail("d", 0); // pushes out b
    expect(limiter.retryAfterMs("b", 1)).toBe(0);
    expect(limiter.retryAfterMs("d", 1)).toBe(999);
  });
});

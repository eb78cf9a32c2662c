import { describe, expect, it } from "vitest";
import { Pacer } from "./pacing.js";

describe("Pacer", () => {
  it("allows `limit` sends per window, then waits for the oldest to leave it", () => {
    const pacer = new Pacer({ limit: 5, windowMs: 2_000 });
    for (let t = 0; t < 5; t++) {
      expect(pacer.waitMs(t * 10)).toBe(0);
      pacer.record(t * 10);
    }
    expect(pacer.waitMs(100)).toBe(1_900);
    expect(pacer.waitMs(2_000)).toBe(0);
  });

  it("spaces one-per-second platforms a second apart", () => {
    const pacer = new Pacer({ limit: 1, windowMs: 1_000 });
    pacer.record(0);
    expect(pacer.waitMs(400)).toBe(600);
    expect(pacer.waitMs(1_000)).toBe(0);
  });

  it("holds until the time a platform named", () => {
    const pacer = new Pacer({ limit: 10, windowMs: 1_000 });
    pacer.hold(5_000);
    expect(pacer.waitMs(1_000)).toBe(4_000);
    pacer.hold(2_000);
    expect(pacer.waitMs(1_000)).toBe(4_000);
    expect(pacer.waitMs(5_000)).toBe(0);
  });
});

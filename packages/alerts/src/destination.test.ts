import { describe, expect, it } from "vitest";
import { hasThresholds, inScope, meetsThresholds, wantsEvent } from "./destination.js";

const offender = { service: "checkout", endpoint: "GET /orders/:id", environment: "production" };

describe("filters", () => {
  it("scopes by service, endpoint (with *) and environment", () => {
    expect(inScope({}, offender)).toBe(true);
    expect(inScope({ services: ["checkout"] }, offender)).toBe(true);
    expect(inScope({ services: ["blog"] }, offender)).toBe(false);
    expect(inScope({ endpoints: ["GET /orders/*"] }, offender)).toBe(true);
    expect(inScope({ endpoints: ["POST /orders/*"] }, offender)).toBe(false);
    expect(inScope({ environments: ["production"] }, offender)).toBe(true);
    expect(inScope({ environments: ["staging"] }, offender)).toBe(false);
    expect(inScope({ environments: ["production"] }, { ...offender, environment: null })).toBe(false);
  });

  it("applies repeats and wasted-per-hour bars and the event list", () => {
    expect(meetsThresholds({}, { repeats: 2, wastedMsPerHour: 0 })).toBe(true);
    expect(meetsThresholds({ minRepeats: 20 }, { repeats: 19, wastedMsPerHour: 1e9 })).toBe(false);
    expect(meetsThresholds({ minWastedMsPerHour: 1_000 }, { repeats: 99, wastedMsPerHour: 999 })).toBe(false);
    expect(
      meetsThresholds({ minRepeats: 20, minWastedMsPerHour: 1_000 }, { repeats: 20, wastedMsPerHour: 1_000 }),
    ).toBe(true);
    expect(hasThresholds({})).toBe(false);
    expect(hasThresholds({ minWastedMsPerHour: 0 })).toBe(true);
    expect(wantsEvent({}, "threshold")).toBe(true);
    expect(wantsEvent({ events: ["new"] }, "regression")).toBe(false);
  });
});

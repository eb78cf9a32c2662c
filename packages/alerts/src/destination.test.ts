import { describe, expect, it } from "vitest";
import { destinationSchema, hasThresholds, inScope, meetsThresholds, wantsEvent } from "./destination.js";
import { generateSecret } from "./signature.js";

const offender = { service: "checkout", endpoint: "GET /orders/:id", environment: "production" };

describe("destination settings", () => {
  it("accepts a full destination and refuses unknown fields and types", () => {
    const ok = destinationSchema.safeParse({
      name: "ops",
      type: "slack",
      url: "https://hooks.slack.com/services/T/B/x",
      services: ["checkout"],
      minRepeats: 10,
      events: ["new", "regression"],
    });
    expect(ok.success).toBe(true);
    expect(destinationSchema.safeParse({ name: "x", type: "irc", url: "https://x" }).success).toBe(false);
    expect(
      destinationSchema.safeParse({ name: "x", type: "slack", url: "https://x", colour: 1 }).success,
    ).toBe(false);
  });

  it("requires a whsec_ secret for webhooks and refuses one elsewhere", () => {
    const hook = { name: "h", type: "webhook", url: "https://example.com/hook" };
    expect(destinationSchema.safeParse(hook).success).toBe(false);
    expect(destinationSchema.safeParse({ ...hook, secret: "plain" }).success).toBe(false);
    expect(destinationSchema.safeParse({ ...hook, secret: generateSecret() }).success).toBe(true);
    expect(
      destinationSchema.safeParse({ name: "s", type: "slack", url: "https://x", secret: generateSecret() })
        .success,
    ).toBe(false);
  });
});

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

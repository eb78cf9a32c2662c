import { describe, expect, it } from "vitest";
import { createIngestKeyCheck } from "./ingest-keys.js";

describe("ingest keys", () => {
  it("lets everything in when no keys are configured", () => {
    const check = createIngestKeyCheck({ keys: [], header: "authorization" });
    expect(check.enabled).toBe(false);
    expect(check.allows(undefined)).toBe(true);
  });

  it("takes `Bearer <key>` in the Authorization header, scheme in any case", () => {
    const check = createIngestKeyCheck({ keys: ["k-one", "k-two"], header: "Authorization" });
    expect(check.header).toBe("authorization");
    expect(check.allows("Bearer k-one")).toBe(true);
    expect(check.allows("bearer  k-two ")).toBe(true);
    expect(check.allows(["Bearer k-two"])).toBe(true);
    for (const bad of [undefined, "", "k-one", "Bearer", "Bearer k-on", "Bearer k-one2", "Basic k-one"]) {
      expect(check.allows(bad)).toBe(false);
    }
  });

  it("takes the bare key in a custom header", () => {
    const check = createIngestKeyCheck({ keys: ["secret"], header: "x-n1radar-key" });
    expect(check.allows("secret")).toBe(true);
    expect(check.allows("Bearer secret")).toBe(false);
    expect(check.allows("secrets")).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { decodeJsonTraces } from "./index.js";

/** One span carrying `attributes`, decoded from OTLP/JSON. */
function decode(attributes: { key: string; value: Record<string, unknown> }[]) {
  const doc = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "blog" } }] },
        scopeSpans: [
          {
            scope: { name: "app" },
            spans: [
              {
                traceId: "0af7651916cd43dd8448eb211c80319c",
                spanId: "b7ad6b7169203331",
                name: "GET /tenants",
                kind: 2,
                startTimeUnixNano: "1700000000000000000",
                endTimeUnixNano: "1700000000100000000",
                attributes,
              },
            ],
          },
        ],
      },
    ],
  };
  return decodeJsonTraces(new TextEncoder().encode(JSON.stringify(doc))).spans[0]?.intent;
}

const intended = (value: Record<string, unknown>) => [{ key: "n1radar.intended_loop", value }];

describe("n1radar.intended_loop", () => {
  it("reads true as any number of repeats, with the reason", () => {
    expect(
      decode([
        ...intended({ boolValue: true }),
        { key: "n1radar.intended_loop.reason", value: { stringValue: "one query per tenant" } },
      ]),
    ).toEqual({ maxRepeats: null, reason: "one query per tenant" });
    expect(decode(intended({ stringValue: "true" }))).toEqual({ maxRepeats: null, reason: null });
  });

  it("reads a positive integer as the most repeats intended", () => {
    expect(decode(intended({ intValue: "50" }))).toEqual({ maxRepeats: 50, reason: null });
    expect(decode(intended({ stringValue: "12" }))).toEqual({ maxRepeats: 12, reason: null });
  });

  it("marks nothing for false, zero, negative numbers or text, so a typo never silences a loop", () => {
    for (const value of [{ boolValue: false }, { intValue: "0" }, { intValue: "-3" }, { stringValue: "yes" }])
      expect(decode(intended(value)), JSON.stringify(value)).toBeNull();
    expect(decode([])).toBeNull();
  });
});

/**
 * TRACE_GRACE_MS through the real OTLP/HTTP receiver: a Collector's concurrent export requests can deliver some
 * of a request's queries just after its request span. Within the grace they join the request; with no grace
 * they are dropped as late, which the negative twin shows (and /metrics counts, each path).
 */

import { setTimeout as sleep } from "node:timers/promises";
import type { OffenderListItem } from "@n1radar/core";
import { defaultAssemblerSettings } from "@n1radar/detector";
import { afterEach, describe, expect, it } from "vitest";
import { getFindings } from "./testing/api.js";
import { nPlusOneSpans, protobufOf } from "./testing/payloads.js";
import { eventually, metricValue, sendProtobuf, startTestServer, type TestServer } from "./testing/server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function findings(s: TestServer): Promise<OffenderListItem[]> {
  return (await getFindings(s.apiUrl)).findings;
}

/** A request of 8 lookups sent as two export requests: most queries with the request span, then 3 more. */
async function sendSplit(s: TestServer): Promise<void> {
  const spans = nPlusOneSpans({ route: "/orders", repeats: 8 }); // source query, 8 lookups, request span
  const request = spans[spans.length - 1];
  const lookups = spans.slice(0, -1);
  expect(request?.name).toBe("GET /orders");
  await sendProtobuf(s, protobufOf([...lookups.slice(0, 6), request as (typeof spans)[number]]));
  await sleep(100);
  await sendProtobuf(s, protobufOf(lookups.slice(6)));
}

describe("TRACE_GRACE_MS: children that come just after their request span", () => {
  it("joins them to the request within the grace", async () => {
    // A generous grace, so a slow CI machine's 100 ms pause cannot outlast it.
    const s = await startTestServer({
      assembler: { ...defaultAssemblerSettings, waitMs: 5_000, graceMs: 1_500 },
    });
    server = s;
    await sendSplit(s);
    const [finding] = await eventually(async () => {
      const list = await findings(s);
      return list.length > 0 ? list : undefined;
    });
    expect(finding).toMatchObject({ endpoint: "GET /orders", repeats: 8 });
    expect(await findings(s)).toHaveLength(1);
    expect(await metricValue(s, 'n1radar_assembly_released_total{path="request_span"}')).toBe(1);
    expect(await metricValue(s, 'n1radar_late_spans_total{kind="child"}')).toBe(0);
  });

  it("without a grace judges at once and drops them as late, counted in /metrics", async () => {
    const s = await startTestServer({
      assembler: { ...defaultAssemblerSettings, waitMs: 5_000, graceMs: 0 },
    });
    server = s;
    await sendSplit(s);
    await eventually(async () =>
      (await metricValue(s, 'n1radar_late_spans_total{kind="child"}')) === 3 ? true : undefined,
    );
    expect(await findings(s)).toMatchObject([{ endpoint: "GET /orders", repeats: 5 }]);
    expect(await metricValue(s, 'n1radar_assembly_released_total{path="request_span"}')).toBe(1);
  });
});

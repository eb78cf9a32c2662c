/**
 * The pipeline in worker threads (PIPELINE_WORKERS), through the real OTLP/HTTP receiver: spans are sharded by
 * trace, so a request whose spans come in separate export requests, mixed with other requests' spans, is still
 * judged whole by one worker; the workers' counters add up in /metrics; an ignore rule made through the API
 * reaches every worker at once; and the findings every worker judged are written before stop() returns.
 */
import type { OffenderListItem } from "@n1radar/core";
import { defaultAssemblerSettings } from "@n1radar/detector";
import { describe, expect, it } from "vitest";
import { getFindings } from "../testing/api.js";
import { nPlusOneSpans, protobufOf } from "../testing/payloads.js";
import {
  eventually,
  metricValue,
  sendProtobuf,
  startTestServer,
  type TestServer,
} from "../testing/server.js";

const TRACES = 60;

async function findings(s: TestServer): Promise<OffenderListItem[]> {
  return (await getFindings(s.apiUrl, "?limit=100")).findings;
}

/**
 * TRACES requests on two routes, every one cut in two: the first export request carries the first half of every
 * request's queries, the second the rest with the request spans, so each request meets itself only if all its
 * spans reach the same worker.
 */
async function sendInterleaved(s: TestServer, route: (i: number) => string): Promise<void> {
  const requests = Array.from({ length: TRACES }, (_, i) => nPlusOneSpans({ route: route(i), repeats: 8 }));
  // Each is: the source query, 8 lookups, then the request span.
  await sendProtobuf(s, protobufOf(requests.flatMap((spans) => spans.slice(0, 5))));
  await sendProtobuf(s, protobufOf(requests.flatMap((spans) => spans.slice(5))));
}

describe("the pipeline in worker threads", () => {
  it("judges each request whole across export requests with three workers, and counts every worker", async () => {
    const s = await startTestServer({ pipelineWorkers: 3 });
    try {
      await sendInterleaved(s, (i) => (i % 2 === 0 ? "/orders" : "/invoices"));
      const listed = await eventually(async () => {
        const list = await findings(s);
        return list.reduce((n, f) => n + f.occurrences, 0) === TRACES ? list : undefined;
      });
      expect(listed.map((f) => f.endpoint).sort()).toEqual(["GET /invoices", "GET /orders"]);
      // Whole requests only: every one of them showed its 8 lookups.
      for (const f of listed)
        expect(f).toMatchObject({ occurrences: TRACES / 2, repeats: 8, repeatsMedian: 8 });
      await eventually(async () =>
        (await metricValue(s, 'n1radar_assembly_released_total{path="request_span"}')) === TRACES
          ? true
          : undefined,
      );
      expect(await metricValue(s, "n1radar_traces_judged_total")).toBe(TRACES);
      expect(await metricValue(s, "n1radar_pipeline_spans_total")).toBe(TRACES * 10);
      expect(await metricValue(s, 'n1radar_late_spans_total{kind="child"}')).toBe(0);
    } finally {
      await s.close();
    }
  });

  it("applies an ignore rule made through the API in every worker at once", async () => {
    const s = await startTestServer({ pipelineWorkers: 2 });
    try {
      await sendInterleaved(s, () => "/orders");
      const [orders] = await eventually(async () => {
        const list = await findings(s);
        return list[0]?.occurrences === TRACES ? list : undefined;
      });
      const res = await fetch(`${s.apiUrl}/api/findings/${orders!.id}/ignore`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: s.apiUrl },
        body: JSON.stringify({ scope: "endpoint", reason: "admin page, fine" }),
      });
      expect(res.status).toBe(200);
      const judged = await metricValue(s, "n1radar_traces_judged_total");
      await sendInterleaved(s, () => "/orders");
      await eventually(async () =>
        (await metricValue(s, "n1radar_traces_judged_total")) === judged + TRACES ? true : undefined,
      );
      await s.app.pipeline.flush();
      // Judged by both workers, and written by neither.
      const after = await s.store.getOffender(orders!.id);
      expect(after).toMatchObject({ status: "ignored", occurrences: TRACES });
      // The positive twin: another route, not covered by the rule, is still found.
      await sendInterleaved(s, () => "/invoices");
      await eventually(async () => {
        const list = await findings(s);
        return list.find((f) => f.endpoint === "GET /invoices")?.occurrences === TRACES ? true : undefined;
      });
    } finally {
      await s.close();
    }
  });

  it("writes what every worker still holds when the service stops", async () => {
    // A long wait: the requests' queries are judged only by the drain.
    const s = await startTestServer({
      pipelineWorkers: 3,
      assembler: { ...defaultAssemblerSettings, waitMs: 60_000 },
    });
    const requests = Array.from({ length: TRACES }, () => nPlusOneSpans({ route: "/orders", repeats: 8 }));
    // The queries only, no request span: held until their wait runs out, or until stop() judges them.
    await sendProtobuf(s, protobufOf(requests.flatMap((spans) => spans.slice(0, -1))));
    await eventually(async () =>
      (await metricValue(s, "n1radar_pipeline_spans_total")) === TRACES * 9 ? true : undefined,
    );
    expect((await s.store.findOffenders({ limit: 10, offset: 0 }, Date.now())).findings).toEqual([]);
    await s.app.pipeline.drain();
    const [stored] = (await s.store.findOffenders({ limit: 10, offset: 0 }, Date.now())).findings;
    expect(stored).toMatchObject({ occurrences: TRACES, repeats: 8 });
    await s.close();
  });
});

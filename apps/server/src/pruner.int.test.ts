/** Retention in the background, on what the real pipeline wrote: small batches, yielding to the event loop. */

import { FindingAnswerSchema } from "@n1radar/core/schemas";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Metrics } from "./metrics.js";
import { Pruner } from "./pruner.js";
import { apiJson, getFindings } from "./testing/api.js";
import { jsonOf, nPlusOneSpans } from "./testing/payloads.js";
import { eventually, startTestServer, type TestServer } from "./testing/server.js";

const DAY = 86_400_000;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it("deletes old history and long-closed offenders in batches, yielding between them", async () => {
  for (const route of ["/a", "/b", "/c"]) {
    await fetch(`${server.otlpUrl}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: jsonOf(nPlusOneSpans({ route })),
    });
  }
  const page = await eventually(async () => {
    const body = await getFindings(server.apiUrl);
    return body.findings.length === 3 ? body : undefined;
  });
  const resolved = page.findings.find((f) => f.endpoint === "GET /a")!;
  const res = await fetch(`${server.apiUrl}/api/findings/${resolved.id}/status`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ status: "resolved" }),
  });
  expect((await apiJson(res, FindingAnswerSchema)).finding.status).toBe("resolved");

  // Forty days later, with the defaults (history 30 days, closed offenders 30 days), one row per batch.
  const metrics = new Metrics();
  const pruner = new Pruner({
    db: server.store,
    policy: { historyDays: 30, closedOffenderDays: 30, deliveryDays: 7 },
    metrics,
    batch: 1,
    now: () => Date.now() + 40 * DAY,
  });
  let turns = 0;
  const counting = setInterval(() => turns++, 0);
  await pruner.run();
  clearInterval(counting);
  expect(turns).toBeGreaterThan(0); // timers ran between batches: the event loop was never held for the run
  const text = metrics.render();
  expect(text).toMatch(/^n1radar_pruned_rows_total\{kind="offenders"\} 1$/m);
  expect(text).toMatch(/^n1radar_pruned_rows_total\{kind="hours"\} 2$/m); // the third went with its offender
  const after = await getFindings(server.apiUrl, "?status=open,acknowledged,resolved,ignored,regressed");
  expect(after.findings.map((f) => f.endpoint).sort()).toEqual(["GET /b", "GET /c"]);
});

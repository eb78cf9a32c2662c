/**
 * N1_RULES_FILE: the rules file the CLI reads with --config, read by the server at start-up, so CI and
 * production judge by the same thresholds and ignore rules; a bad file stops the start with the field named.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExplanationAnswerSchema, FindingAnswerSchema, OffenderPageSchema } from "@n1radar/core/schemas";
import { afterAll, beforeAll, expect, it } from "vitest";
import { detectorSettingsOf, parseConfig } from "./config.js";
import { apiJson } from "./testing/api.js";
import { jsonOf, nPlusOneSpans } from "./testing/payloads.js";
import { eventually, startTestServer, type TestServer } from "./testing/server.js";

let dir: string;
let server: TestServer | undefined;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "n1-rules-"));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const list = async () => apiJson(await fetch(`${server!.apiUrl}/api/findings`), OffenderPageSchema);

function rulesFile(rules: unknown): string {
  const path = join(dir, `rules-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(rules));
  return path;
}

it("files loops by the rules file's per-endpoint thresholds: GET /admin/* may loop 50 times, GET /orders may not", async () => {
  const config = parseConfig({
    N1_RULES_FILE: rulesFile({
      endpointOverrides: [
        { endpoint: "GET /admin/*", minRepeats: 50 },
        { endpoint: "GET /orders", minRepeats: 3 },
      ],
      acknowledgements: [
        {
          endpoint: "GET /orders",
          reason: "batching lands in PR 12",
          author: "alice",
          expires: "2999-01-31",
        },
      ],
    }),
  });
  server = await startTestServer({
    detector: detectorSettingsOf(config),
    acknowledgements: config.rules?.acknowledgements ?? [],
  });
  for (const route of ["/admin/users", "/orders"]) {
    const res = await fetch(`${server.otlpUrl}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: jsonOf(nPlusOneSpans({ route, repeats: 20 })),
    });
    expect(res.status).toBe(200);
  }
  const endpoints = await eventually(async () => {
    const body = await list();
    return body.findings.length > 0 ? body.findings.map((f) => f.endpoint) : undefined;
  });
  await new Promise((r) => setTimeout(r, 600)); // the admin request was judged too, and filed nothing
  const after = await list();
  expect(endpoints).toEqual(["GET /orders"]);
  expect(after.findings.map((f) => f.endpoint)).toEqual(["GET /orders"]);
  // The finding's page (its explain panel) names the threshold that decided it, from the rules file.
  const listed = await list();
  const orders = listed.findings[0];
  const explained = await apiJson(
    await fetch(`${server.apiUrl}/api/findings/${orders!.id}/explain`),
    ExplanationAnswerSchema,
  );
  const reported = explained.explanation.groups.find((g) => g.verdict === "reported");
  expect(reported?.reason).toContain(">= minRepeats 3 (endpoint threshold for GET /orders)");
  // The rules file's acknowledgement shows on the offender it names, in the list and on its page.
  const acknowledgement = {
    reason: "batching lands in PR 12",
    author: "alice",
    expires: "2999-01-31",
    expired: false,
  };
  expect(listed.findings[0]).toMatchObject({ acknowledgement });
  const detail = await apiJson(
    await fetch(`${server.apiUrl}/api/findings/${orders!.id}`),
    FindingAnswerSchema,
  );
  expect(detail.finding.acknowledgement).toEqual(acknowledgement);
});

it("adds the file's ignore rules to N1_IGNORE's and lets its thresholds win over the variables", () => {
  const config = parseConfig({
    N1_MIN_REPEATS: "4",
    N1_IGNORE: JSON.stringify([{ endpoint: "GET /health" }]),
    N1_RULES_FILE: rulesFile({ minRepeats: 8, ignore: [{ statementContains: "FROM audit_log" }] }),
  });
  const settings = detectorSettingsOf(config);
  expect(settings.minRepeats).toBe(8);
  expect(settings.ignore).toEqual([{ endpoint: "GET /health" }, { statementContains: "FROM audit_log" }]);
});

it("refuses to start on a rules file that is missing or wrong, naming the field", () => {
  expect(() => parseConfig({ N1_RULES_FILE: join(dir, "nope.json") })).toThrow(
    /N1_RULES_FILE: rules file .*nope\.json/,
  );
  const bad = rulesFile({ endpointOverrides: [{ endpoint: "GET /x", minRepeats: 1 }] });
  expect(() => parseConfig({ N1_RULES_FILE: bad })).toThrow(/endpointOverrides\.0\.minRepeats/);
});

/**
 * Literal values never reach the store or the API: secrets an app puts in span names (SQL with its literals as
 * the name), in URLs with query strings (an endpoint taken from the span name when no route is known), and ids
 * in paths, sent through the real OTLP receiver. Every secret is then looked for in the SQLite file's bytes (WAL
 * included) and in every API answer about what was found.
 */
import { readFileSync } from "node:fs";
import {
  ExplanationAnswerSchema,
  FacetsSchema,
  FindingAnswerSchema,
  OverviewSchema,
} from "@n1radar/core/schemas";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { z } from "zod";
import { apiJson, getFindings } from "./testing/api.js";
import { hexId, jsonRequest } from "./testing/payloads.js";
import { eventually, startTestServer, type TestServer } from "./testing/server.js";

const SECRETS = [
  "sk_live_51HxYzSecretKey0001",
  "hunter2-db-password",
  "jane.secret@example.com",
  "tok_SeCrEt9z8y7x6w5v4u3t2",
  "eyJhbGciOiJIUzI1NiJ9.secretjwt",
  "1234567890123",
  "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f",
];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const ns = (ms: number) => String(BigInt(1_700_000_000_000 + ms) * 1_000_000n);

/** One request with an N+1 whose spans carry the secrets where real instrumentations put such text. */
function leakyRequest(requestName: string, attributes: unknown[]) {
  const traceId = hexId(16);
  const rootId = hexId(8);
  const spans: Record<string, unknown>[] = [
    {
      traceId,
      spanId: rootId,
      name: requestName,
      kind: 2,
      startTimeUnixNano: ns(0),
      endTimeUnixNano: ns(50),
      attributes,
    },
  ];
  for (let i = 0; i < 6; i++) {
    // The statement is the span's name too, as some instrumentations name spans; its literals are secrets.
    const sql = `SELECT id, owner FROM api_keys WHERE key = '${SECRETS[0]}' AND note = '${SECRETS[1]}' AND id = ${i}`;
    spans.push({
      traceId,
      spanId: hexId(8),
      parentSpanId: rootId,
      name: sql,
      kind: 3,
      startTimeUnixNano: ns(1 + i * 5),
      endTimeUnixNano: ns(4 + i * 5),
      attributes: [str("db.system", "postgresql"), str("db.statement", sql)],
    });
  }
  return spans;
}

it("keeps no secret from span names, URLs or paths in the database file or the API", async () => {
  const spans = [
    // No route: the endpoint comes from the name, a path with an id, a token and an e-mail in its query.
    ...leakyRequest(`GET /reset/${SECRETS[6]}?email=${SECRETS[2]}&token=${SECRETS[3]}`, [
      str("http.method", "GET"),
      str("http.target", `/reset/${SECRETS[6]}?email=${SECRETS[2]}&token=${SECRETS[3]}`),
    ]),
    // A client-style name with credentials and a key in the URL, and a numeric id in the path.
    ...leakyRequest(
      `GET https://admin:${SECRETS[1]}@api.example.com/v1/accounts/${SECRETS[5]}?jwt=${SECRETS[4]}`,
      [
        str("http.request.method", "GET"),
        str(
          "url.full",
          `https://admin:${SECRETS[1]}@api.example.com/v1/accounts/${SECRETS[5]}?jwt=${SECRETS[4]}`,
        ),
      ],
    ),
  ];
  const res = await fetch(`${server.otlpUrl}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: jsonRequest(spans, { attributes: [str("service.name", "accounts")] }),
  });
  expect(res.status).toBe(200);

  // Each answer as text, to search, after it is read through its schema.
  const api = async (path: string, schema: z.ZodType) => {
    const res = await fetch(`${server.apiUrl}${path}`);
    const text = await res.clone().text();
    await apiJson(res, schema);
    return text;
  };
  const list = await eventually(async () => {
    const body = await getFindings(server.apiUrl);
    return body.findings.length === 2 ? body.findings : undefined;
  });
  expect(list.map((f) => f.endpoint).sort()).toEqual([
    "GET /reset/:uuid",
    "GET https://api.example.com/v1/accounts/:id",
  ]);
  const answers = [
    JSON.stringify(list),
    await api("/api/overview", OverviewSchema),
    await api("/api/facets", FacetsSchema),
    ...(await Promise.all(list.map((f) => api(`/api/findings/${f.id}`, FindingAnswerSchema)))),
    ...(await Promise.all(list.map((f) => api(`/api/findings/${f.id}/explain`, ExplanationAnswerSchema)))),
  ];
  server.store.close(); // checkpoint: every page the store wrote is in the file now
  const bytes = readFileSync(server.dbPath).toString("latin1");
  let wal = "";
  try {
    wal = readFileSync(`${server.dbPath}-wal`).toString("latin1");
  } catch {}
  // The twin: what the store did keep is found by the same search, so the file holds the findings as text.
  expect(bytes + wal).toContain("GET /reset/:uuid");
  expect(bytes + wal).toContain("api.example.com/v1/accounts/:id");
  for (const secret of SECRETS) {
    expect(bytes.includes(secret), `${secret} in the database file`).toBe(false);
    expect(wal.includes(secret), `${secret} in the WAL`).toBe(false);
    for (const answer of answers)
      expect(answer.includes(secret), `${secret} in ${answer.slice(0, 80)}`).toBe(false);
  }
});

/**
 * Ingest keys and the dashboard token are separate: each opens only its own port. An ingest key (often in many
 * services' configuration) must not read findings, and the dashboard token must not be an ingest key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonOf, nPlusOneSpans } from "../testing/payloads.js";
import { startTestServer, type TestServer } from "../testing/server.js";
import { openAccess } from "./access.js";

const INGEST_KEY = "ingest-key-abcdef0123456789";
const TOKEN = "dashboard-token-0123456789";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ ingestKeys: [INGEST_KEY], access: { ...openAccess, token: TOKEN } });
});
afterAll(() => server?.close());

const upload = (key: string) =>
  fetch(`${server.otlpUrl}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: jsonOf(nPlusOneSpans()),
  });
const read = (key: string) =>
  fetch(`${server.apiUrl}/api/findings`, { headers: { authorization: `Bearer ${key}` } });

describe("ingest keys and the dashboard token", () => {
  it("each open only their own port", async () => {
    expect((await upload(TOKEN)).status).toBe(401);
    expect((await read(INGEST_KEY)).status).toBe(401);
    expect((await upload(INGEST_KEY)).status).toBe(200);
    expect((await read(TOKEN)).status).toBe(200);
  });
});

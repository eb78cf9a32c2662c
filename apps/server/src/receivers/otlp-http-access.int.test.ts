/**
 * Who may send: CORS for browser exporters (CORS_ORIGINS) and ingest keys (INGEST_KEYS, INGEST_KEY_HEADER)
 * on the OTLP/HTTP receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestReceivers, type TestReceivers } from "../testing/receivers.js";

const PB = "application/x-protobuf";
const JSON_TYPE = "application/json";
let rx: TestReceivers;

beforeAll(async () => {
  rx = await startTestReceivers();
});
afterAll(() => rx.close());

function post(body: Uint8Array | string, headers: Record<string, string> = {}) {
  return fetch(`${rx.httpUrl}/v1/traces`, {
    method: "POST",
    body,
    headers: { "content-type": PB, ...headers },
  });
}

describe("CORS for browser exporters", () => {
  it("answers a preflight and marks responses readable, exposing Retry-After", async () => {
    const pre = await fetch(`${rx.httpUrl}/v1/traces`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-n1radar-key",
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    expect(pre.headers.get("access-control-allow-methods")).toBe("POST");
    expect(pre.headers.get("access-control-allow-headers")).toBe("content-type,x-n1radar-key");
    const res = await post("{}", { "content-type": JSON_TYPE, origin: "http://localhost:5173" });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-expose-headers")).toBe("Retry-After");
  });

  it("allows only the configured origins", async () => {
    const strict = await startTestReceivers({ cors: ["https://app.example.com"] });
    try {
      const preflight = (origin: string) =>
        fetch(`${strict.httpUrl}/v1/traces`, {
          method: "OPTIONS",
          headers: { origin, "access-control-request-method": "POST" },
        });
      const ok = await preflight("https://app.example.com");
      expect(ok.status).toBe(204);
      expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
      expect(ok.headers.get("vary")).toMatch(/Origin/);
      const denied = await preflight("https://evil.example.com");
      expect(denied.status).toBe(403);
      expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await strict.close();
    }
  });
});

describe("ingest keys", () => {
  it("requires `Bearer <key>` when keys are configured, 401 otherwise", async () => {
    const locked = await startTestReceivers({ keys: { keys: ["s3cret"] } });
    try {
      const send = (headers: Record<string, string>) =>
        fetch(`${locked.httpUrl}/v1/traces`, {
          method: "POST",
          body: "{}",
          headers: { "content-type": JSON_TYPE, ...headers },
        });
      const missing = await send({});
      expect(missing.status).toBe(401);
      expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(((await missing.json()) as { code: number }).code).toBe(16);
      expect((await send({ authorization: "Bearer wrong" })).status).toBe(401);
      expect((await send({ authorization: "Bearer s3cret" })).status).toBe(200);
    } finally {
      await locked.close();
    }
  });

  it("reads the bare key from a custom header", async () => {
    const locked = await startTestReceivers({ keys: { keys: ["k1", "k2"], header: "x-n1radar-key" } });
    try {
      const at = (headers: Record<string, string>) =>
        fetch(`${locked.httpUrl}/v1/traces`, {
          method: "POST",
          body: new Uint8Array(0),
          headers: { "content-type": PB, ...headers },
        });
      expect((await at({ "x-n1radar-key": "k2" })).status).toBe(200);
      expect((await at({ authorization: "Bearer k2" })).status).toBe(401);
      expect((await post(new Uint8Array(0))).status).toBe(200); // the shared open receiver is unaffected
    } finally {
      await locked.close();
    }
  });
});

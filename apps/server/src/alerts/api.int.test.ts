/**
 * The alerts API on a server with the default (strict) address policy, except 127.0.0.2 allowlisted for the
 * local receiver: masking, read-only env destinations, create/edit/disable/delete, the test button's answer,
 * refused private targets at creation and at connection (a name resolving to loopback), redirects not followed,
 * and no URL or secret in any answer or log line.
 */
import { generateSecret } from "@n1radar/alerts";
import {
  DestinationAnswerSchema,
  DestinationDeletedSchema,
  DestinationListSchema,
  TestResultSchema,
} from "@n1radar/core/schemas";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../config.js";
import { log } from "../log.js";
import { apiError, apiJson } from "../testing/api.js";
import { jsonOf, nPlusOneSpans } from "../testing/payloads.js";
import { type PlatformReceiver, startPlatform } from "../testing/platforms.js";
import { eventually, startTestServer, type TestServer } from "../testing/server.js";

const TOKEN = "s3cr3tT0ken";
const secret = generateSecret();
let server: TestServer;
let receiver: PlatformReceiver;
const logged: string[] = [];

beforeAll(async () => {
  for (const level of ["log", "warn", "error"] as const)
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.join(" ")));
  // The service logs through pino, which writes to its own stream rather than through console.
  const stream = (log as unknown as Record<symbol, { write(line: string): boolean }>)[
    pino.symbols.streamSym
  ]!;
  vi.spyOn(stream, "write").mockImplementation((line: string) => logged.push(line) > 0);
  receiver = await startPlatform("slack", 1, "127.0.0.2");
  const config = parseConfig({
    ALERT_DESTINATIONS: JSON.stringify([
      { name: "env-slack", type: "slack", url: `https://hooks.slack.com/services/T0/B0/${TOKEN}` },
    ]),
    ALERT_ALLOWED_TARGETS: "127.0.0.2/32",
    ALERT_GROUP_WAIT_MS: "100",
  });
  server = await startTestServer({ alerts: config.alerts });
});

afterAll(async () => {
  await server.close();
  await receiver.close();
  vi.restoreAllMocks();
});

/** The answer, after checking that it holds no destination URL token or secret. */
async function call(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${server.apiUrl}${path}`, {
    method,
    headers: method === "GET" ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.clone().text();
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(secret.slice(6, 20));
  return res;
}
const create = async (body: unknown) =>
  (await apiJson(await call("POST", "/api/alerts/destinations", body), DestinationAnswerSchema, 201))
    .destination;
const sendTest = async (id: string) =>
  (await apiJson(await call("POST", `/api/alerts/destinations/${id}/test`), TestResultSchema)).result;

describe("alerts API", () => {
  it("lists env destinations masked and read-only", async () => {
    const { destinations } = await apiJson(
      await call("GET", "/api/alerts/destinations"),
      DestinationListSchema,
    );
    expect(destinations).toEqual([
      expect.objectContaining({
        id: "env:env-slack",
        name: "env-slack",
        type: "slack",
        source: "env",
        readOnly: true,
        url: "https://hooks.slack.com/…",
        hasSecret: false,
        enabled: true,
      }),
    ]);
    const edit = await call("PUT", "/api/alerts/destinations/env:env-slack", { name: "x", type: "slack" });
    expect((await apiError(edit, 400)).error.message).toContain("ALERT_DESTINATIONS");
    await apiError(await call("DELETE", "/api/alerts/destinations/env:env-slack"), 400);
  });

  it("creates, tests, edits, disables and deletes a destination; the test reports the platform's answer", async () => {
    const created = await create({
      name: "local",
      type: "webhook",
      url: `${receiver.url.replace("/secret-token", `/${TOKEN}`)}`,
      secret,
      services: ["checkout"],
      minRepeats: 10,
    });
    const id = created.id;
    expect(created).toMatchObject({
      hasSecret: true,
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.2:\d+\/…$/),
    });

    expect(await sendTest(id)).toEqual({ ok: true, status: 200, answer: "ok" });
    expect(receiver.received.at(-1)!.json).toMatchObject({
      type: "n1radar.test",
      data: { destination: "local" },
    });
    expect(receiver.received.at(-1)!.headers["webhook-signature"]).toMatch(/^v1,/);

    // url and secret left out: kept.
    const edited = await apiJson(
      await call("PUT", `/api/alerts/destinations/${id}`, {
        name: "local-2",
        type: "webhook",
        minRepeats: 20,
      }),
      DestinationAnswerSchema,
    );
    expect(edited.destination).toMatchObject({ name: "local-2", minRepeats: 20, hasSecret: true });
    expect((await sendTest(id)).ok).toBe(true);

    const disabled = await apiJson(
      await call("POST", `/api/alerts/destinations/${id}/enabled`, { enabled: false }),
      DestinationAnswerSchema,
    );
    expect(disabled.destination).toMatchObject({
      enabled: false,
      disabledReason: "disabled in the dashboard",
    });
    expect(
      await apiJson(await call("DELETE", `/api/alerts/destinations/${id}`), DestinationDeletedSchema),
    ).toEqual({ deleted: true });
    await apiError(await call("DELETE", `/api/alerts/destinations/${id}`), 404);
  });

  it("refuses private targets by URL, and by resolved address when connecting", async () => {
    for (const url of [
      "http://127.0.0.1:1/x",
      "https://10.0.0.1/x",
      "https://[::ffff:169.254.169.254]/x",
      "https://127.0.0.1/x",
    ]) {
      await apiError(
        await call("POST", "/api/alerts/destinations", { name: "bad", type: "slack", url }),
        400,
      );
    }
    const http = await call("POST", "/api/alerts/destinations", {
      name: "bad",
      type: "slack",
      url: "http://hooks.example.com/x",
    });
    expect((await apiError(http, 400)).error.message).toMatch(/must be https/);
    // A name is accepted (names are never judged by pattern); its addresses are checked when connecting.
    const named = await create({ name: "named", type: "slack", url: "https://localhost:9/x" });
    expect(await sendTest(named.id)).toMatchObject({
      ok: false,
      status: null,
      answer: expect.stringMatching(/^blocked: localhost: .*loopback/),
    });
  });

  it("does not follow redirects", async () => {
    receiver.script.push("redirect");
    const created = await create({ name: "moved", type: "slack", url: receiver.url });
    const before = receiver.received.length;
    expect(await sendTest(created.id)).toMatchObject({ ok: false, status: 302 });
    expect(receiver.received.length).toBe(before + 1);
  });

  it("refuses bad bodies with the field named", async () => {
    const bad = await call("POST", "/api/alerts/destinations", {
      name: "w",
      type: "webhook",
      url: "https://example.com/x",
    });
    expect((await apiError(bad, 400)).error.message).toContain("secret:");
    const irc = await call("POST", "/api/alerts/destinations", {
      name: "irc",
      type: "irc",
      url: "https://x.example",
    });
    expect((await apiError(irc, 400)).error.message).toContain("type");
  });

  it("never logs a destination URL or secret, while logging what happened to the destination", async () => {
    // A destination whose URL holds the token, on a platform that answers 404: the worker disables it and says so.
    const gone = await startPlatform("slack", 1, "127.0.0.2");
    try {
      gone.script.push("gone");
      await create({ name: "deleted-hook", type: "slack", url: `${gone.url}/${TOKEN}` });
      const sent = await fetch(`${server.otlpUrl}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: jsonOf(nPlusOneSpans({ route: "/logged" })),
      });
      expect(sent.status).toBe(200);
      const line = await eventually(
        async () =>
          logged.find((l) => l.includes("alert destination disabled") && l.includes("deleted-hook")),
        10_000,
      );
      expect(gone.received[0]?.path).toContain(TOKEN); // the URL the worker used held it
      expect(line).toContain("HTTP 404");
    } finally {
      await gone.close();
    }
    expect(logged.join("\n")).not.toContain(TOKEN);
    expect(logged.join("\n")).not.toContain(secret);
  });
});

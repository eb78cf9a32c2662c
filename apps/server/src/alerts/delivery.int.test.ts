/**
 * Alerts end to end: real OpenTelemetry exporter -> n1radar -> local receivers that answer like each platform.
 * One message per new offender in each platform's shape, none for the same traffic again, one regression after a
 * resolve, and one digest when many offenders arrive at once. The webhook's signature is checked with the
 * `standardwebhooks` package, an implementation independent of n1radar's.
 */
import { DESTINATION_TYPES, generateSecret } from "@n1radar/alerts";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config.js";
import { eventually, startTestServer, type TestServer } from "../test-server.js";
import { type PlatformReceiver, startPlatform } from "./test-platforms.js";
import { startTraffic, type Traffic } from "./test-traffic.js";

const PUBLIC_URL = "https://n1radar.example.com";
const secret = generateSecret();
let server: TestServer;
let traffic: Traffic;
let platforms: PlatformReceiver[];

beforeAll(async () => {
  platforms = await Promise.all(DESTINATION_TYPES.map((type) => startPlatform(type)));
  const destinations = platforms.map((p) => ({
    name: `team-${p.type}`,
    type: p.type,
    url: p.url,
    ...(p.type === "webhook" ? { secret } : {}),
  }));
  const config = parseConfig({
    ALERT_DESTINATIONS: JSON.stringify(destinations),
    ALERT_ALLOW_PRIVATE_URLS: "true",
    PUBLIC_URL,
    ALERT_GROUP_WAIT_MS: "300",
    ALERT_COOLDOWN_MS: "0",
    ALERT_DIGEST_MIN: "4",
  });
  server = await startTestServer({ alerts: config.alerts });
  traffic = startTraffic(server.otlpUrl);
});

afterAll(async () => {
  await traffic.shutdown();
  await server.close();
  await Promise.all(platforms.map((p) => p.close()));
});

const platform = (type: string) => platforms.find((p) => p.type === type)!;
const allReceived = (count: number) =>
  eventually(async () => (platforms.every((p) => p.received.length >= count) ? true : undefined), 10_000);
const last = (type: string) => platform(type).received.at(-1)!;
const text = (type: string) => JSON.stringify(last(type).json).replace(/\u200b/g, "");

async function findings(): Promise<{ id: string; endpoint: string; traces: number }[]> {
  return ((await (await fetch(`${server.apiUrl}/api/findings`)).json()) as { findings: never[] }).findings;
}

describe("alerts from real traces", () => {
  it("sends one message per new offender to every platform, in its shape, with the fix and the link", async () => {
    traffic.request("/posts", 8);
    await traffic.flush();
    await allReceived(1);
    const [finding] = await findings();
    const link = `${PUBLIC_URL}/findings/${finding!.id}`;

    expect(last("slack").json).toMatchObject({
      text: expect.stringContaining("New N+1 query"),
      blocks: expect.arrayContaining([
        { type: "header", text: { type: "plain_text", text: "New N+1 query" } },
      ]),
    });
    expect(text("slack")).toContain("`blog-api` `GET /posts` (`production`): *8 queries per request*");
    expect(last("discord").json).toMatchObject({ allowed_mentions: { parse: [] }, embeds: [{ url: link }] });
    expect(last("teams").json).toMatchObject({
      type: "message",
      attachments: [
        { contentType: "application/vnd.microsoft.card.adaptive", content: { type: "AdaptiveCard" } },
      ],
    });
    expect(last("googlechat").json).toMatchObject({
      cardsV2: [{ card: { header: { title: "New N+1 query" } } }],
    });
    expect((last("mattermost").json as { text: string }).text).toContain(`[Open in n1radar](${link})`);
    for (const p of platforms) {
      expect(p.received).toHaveLength(1);
      expect(p.received[0]!.headers["content-type"]).toBe("application/json");
      expect(JSON.stringify(p.received[0]!.json)).toContain(link);
    }

    const hook = last("webhook");
    expect(hook.json).toMatchObject({
      type: "n1radar.offender.new",
      data: {
        event: "new",
        environment: "production",
        url: link,
        offender: { id: finding!.id, service: "blog-api", endpoint: "GET /posts", repeats: 8, guidance: {} },
      },
    });
    expect(hook.headers["webhook-id"]).toMatch(/^msg_[0-9a-f]{32}$/);
    const verified = new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>);
    expect(verified).toEqual(hook.json);
    expect(() =>
      new Webhook(secret).verify(
        hook.body.replace("blog-api", "blog-apx"),
        hook.headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it("sends nothing when the same traffic comes again", async () => {
    traffic.request("/posts", 8);
    traffic.request("/posts", 9);
    await traffic.flush();
    await eventually(async () => ((await findings())[0]!.traces === 3 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1_000)); // past the group window and several worker ticks
    for (const p of platforms) expect(p.received).toHaveLength(1);
  });

  it("sends one regression message after a resolve", async () => {
    const [finding] = await findings();
    const resolved = await fetch(`${server.apiUrl}/api/findings/${finding!.id}/status`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status: "resolved" }),
    });
    expect(resolved.status).toBe(200);
    await new Promise((r) => setTimeout(r, 20)); // traffic after the resolve, by the clock
    traffic.request("/posts", 8);
    await traffic.flush();
    await allReceived(2);
    expect((last("slack").json as { blocks: unknown[] }).blocks[0]).toMatchObject({
      text: { text: "N+1 query is back" },
    });
    expect(last("webhook").json).toMatchObject({ type: "n1radar.offender.regression" });
    await new Promise((r) => setTimeout(r, 800));
    for (const p of platforms) expect(p.received).toHaveLength(2);
  });

  it("sends one digest per destination when many offenders arrive at once", async () => {
    for (const route of ["/a", "/b", "/c", "/d", "/e"]) traffic.request(route, 6);
    await traffic.flush();
    await allReceived(3);
    await new Promise((r) => setTimeout(r, 800));
    for (const p of platforms) expect(p.received).toHaveLength(3);
    expect((last("slack").json as { blocks: unknown[] }).blocks[0]).toMatchObject({
      text: { text: "5 N+1 alerts at once" },
    });
    expect(text("mattermost")).toContain("`GET /e`");
    expect(last("webhook").json).toMatchObject({ type: "n1radar.digest", data: { alerts: { length: 5 } } });
    expect(last("discord").json).toMatchObject({ embeds: [{ title: "5 N+1 alerts at once" }] });
  });
});

/**
 * Alerts end to end: real OpenTelemetry exporter -> n1radar -> local receivers that answer like each platform.
 * One message per new offender in each platform's shape, none for the same traffic again, one regression after a
 * resolve, and one digest when many offenders arrive at once. The webhook's signature is checked with the
 * `standardwebhooks` package, an implementation independent of n1radar's.
 */
import { DESTINATION_TYPES, generateSecret } from "@n1radar/alerts";
import type { OffenderListItem } from "@n1radar/core";
import { FindingAnswerSchema } from "@n1radar/core/schemas";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config.js";
import { apiJson, getFindings } from "../testing/api.js";
import { type PlatformReceiver, startPlatform } from "../testing/platforms.js";
import { eventually, startTestServer, type TestServer } from "../testing/server.js";
import { startTraffic, type Traffic } from "../testing/traffic.js";

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
/**
 * Each test counts from what the platforms had received when it began, on routes of its own, so none depends on
 * what an earlier test sent.
 */
const counts = () => platforms.map((p) => p.received.length);
const allReceived = (before: number[], more: number) =>
  eventually(
    async () => (platforms.every((p, i) => p.received.length >= before[i]! + more) ? true : undefined),
    10_000,
  );
const expectReceived = (before: number[], more: number) =>
  expect(counts()).toEqual(before.map((n) => n + more));
const last = (type: string) => platform(type).received.at(-1)!;
const text = (type: string) => JSON.stringify(last(type).json).replace(/\u200b/g, "");

async function findingOn(endpoint: string): Promise<OffenderListItem> {
  return eventually(async () => {
    const body = await getFindings(server.apiUrl);
    return body.findings.find((f) => f.endpoint === endpoint);
  });
}

describe("alerts from real traces", () => {
  it("sends one message per new offender to every platform, in its shape, with the fix and the link", async () => {
    const before = counts();
    traffic.request("/posts", 8);
    await traffic.flush();
    await allReceived(before, 1);
    const finding = await findingOn("GET /posts");
    const link = `${PUBLIC_URL}/findings/${finding.id}`;

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
    expectReceived(before, 1);
    for (const p of platforms) {
      expect(p.received.at(-1)!.headers["content-type"]).toBe("application/json");
      expect(JSON.stringify(p.received.at(-1)!.json)).toContain(link);
    }

    const hook = last("webhook");
    expect(hook.json).toMatchObject({
      type: "n1radar.offender.new",
      data: {
        event: "new",
        environment: "production",
        url: link,
        offender: { id: finding.id, service: "blog-api", endpoint: "GET /posts", repeats: 8, guidance: {} },
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

  it("sends one message the first time and nothing when the same traffic comes again", async () => {
    const before = counts();
    traffic.request("/again", 8);
    await traffic.flush();
    await allReceived(before, 1);
    traffic.request("/again", 8);
    traffic.request("/again", 9);
    await traffic.flush();
    await eventually(async () => ((await findingOn("GET /again")).traces === 3 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1_000)); // past the group window and several worker ticks
    expectReceived(before, 1);
  });

  it("sends one regression message after a resolve", async () => {
    const before = counts();
    traffic.request("/back", 8);
    await traffic.flush();
    await allReceived(before, 1);
    const finding = await findingOn("GET /back");
    const resolved = await fetch(`${server.apiUrl}/api/findings/${finding.id}/status`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status: "resolved" }),
    });
    expect((await apiJson(resolved, FindingAnswerSchema)).finding.status).toBe("resolved");
    await new Promise((r) => setTimeout(r, 20)); // traffic after the resolve, by the clock
    traffic.request("/back", 8);
    await traffic.flush();
    await allReceived(before, 2);
    expect((last("slack").json as { blocks: unknown[] }).blocks[0]).toMatchObject({
      text: { text: "N+1 query is back" },
    });
    expect(last("webhook").json).toMatchObject({ type: "n1radar.offender.regression" });
    await new Promise((r) => setTimeout(r, 800));
    expectReceived(before, 2);
  });

  it("sends one digest per destination when many offenders arrive at once", async () => {
    const before = counts();
    for (const route of ["/a", "/b", "/c", "/d", "/e"]) traffic.request(route, 6);
    await traffic.flush();
    await allReceived(before, 1);
    await new Promise((r) => setTimeout(r, 800));
    expectReceived(before, 1);
    expect((last("slack").json as { blocks: unknown[] }).blocks[0]).toMatchObject({
      text: { text: "5 N+1 alerts at once" },
    });
    expect(text("mattermost")).toContain("`GET /e`");
    expect(last("webhook").json).toMatchObject({ type: "n1radar.digest", data: { alerts: { length: 5 } } });
    expect(last("discord").json).toMatchObject({ embeds: [{ title: "5 N+1 alerts at once" }] });
  });
});

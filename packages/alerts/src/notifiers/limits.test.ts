/**
 * Every notifier on its largest input stays within its platform's documented limits: a 100,000-character
 * statement, a 10,000-character route, and a digest of 200 offenders.
 */
import { describe, expect, it } from "vitest";
import { notifiers } from "../registry.js";
import { alertMessage, makeItem } from "../testing/items.js";
import type { AlertMessage } from "../types.js";

const huge = makeItem(
  { environment: "e".repeat(5_000) },
  {
    statement: `SELECT ${"x, ".repeat(33_000)} FROM t`,
    endpoint: `GET /${"a".repeat(10_000)}`,
    service: "s".repeat(2_000),
  },
);
const digest: AlertMessage = {
  kind: "digest",
  id: "msg_d",
  createdAt: "2026-01-01T00:00:00.000Z",
  dashboardUrl: "https://n1radar.example.com",
  items: Array.from({ length: 200 }, (_, i) => ({ ...huge, offender: { ...huge.offender, id: `o${i}` } })),
};
const messages: [string, AlertMessage][] = [
  ["alert", alertMessage(huge)],
  ["digest", digest],
];
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

interface SlackBlock {
  type: string;
  text?: { text: string };
}
interface DiscordEmbed {
  title: string;
  description: string;
  fields?: { name: string; value: string }[];
  footer: { text: string };
}

describe.each(messages)("limits on the largest %s", (_, message) => {
  it("Slack: at most 50 blocks, headers 150, sections 3000, text 3000", () => {
    const body = notifiers.slack.format(message) as { text: string; blocks: SlackBlock[] };
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    expect(body.text.length).toBeLessThanOrEqual(3_000);
    for (const b of body.blocks) {
      if (b.type === "header") expect(b.text!.text.length).toBeLessThanOrEqual(150);
      if (b.type === "section") expect(b.text!.text.length).toBeLessThanOrEqual(3_000);
    }
  });

  it("Discord: title 256, description 4096, fields 1024, 6000 over the embed", () => {
    const body = notifiers.discord.format(message) as { embeds: DiscordEmbed[] };
    expect(body.embeds).toHaveLength(1);
    const e = body.embeds[0]!;
    expect(e.title.length).toBeLessThanOrEqual(256);
    expect(e.description.length).toBeLessThanOrEqual(4_096);
    for (const f of e.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(1_024);
    const total =
      e.title.length +
      e.description.length +
      e.footer.text.length +
      (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(6_000);
  });

  it("Teams: the whole message under 28 KB", () => {
    expect(bytes(notifiers.teams.format(message))).toBeLessThan(28 * 1024);
  });

  it("Google Chat: the whole message under 32,000 bytes", () => {
    expect(bytes(notifiers.googlechat.format(message))).toBeLessThan(32_000);
  });

  it("Mattermost: the text under 16,383 characters", () => {
    const body = notifiers.mattermost.format(message) as { text: string };
    expect(body.text.length).toBeLessThanOrEqual(16_383);
  });
});

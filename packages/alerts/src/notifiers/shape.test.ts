/** Each platform's payload has the shape its webhook documents, and says what, how much and how to fix. */
import { describe, expect, it } from "vitest";
import { notifiers } from "../registry.js";
import { alertMessage, makeItem } from "../testing/items.js";
import { DESTINATION_TYPES } from "../types.js";

const message = alertMessage();
const url = "https://n1radar.example.com/findings/a1b2c3";
const json = (v: unknown) => JSON.stringify(v).replace(/\u200b/g, "");

describe("payload shapes", () => {
  it("every destination type has a notifier with a pacing", () => {
    for (const type of DESTINATION_TYPES) {
      expect(notifiers[type].pacing.limit).toBeGreaterThan(0);
      expect(notifiers[type].pacing.windowMs).toBeGreaterThan(0);
    }
  });

  it("Slack: Block Kit with a header, the numbers, the fix, the statement and a button, plus text", () => {
    const body = notifiers.slack.format(message) as { text: string; blocks: Record<string, unknown>[] };
    expect(body.text).toBe("New N+1 query: `blog-api` `GET /posts` (`production`), 48 queries per request");
    expect(body.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "New N+1 query" } });
    expect(body.blocks[1]).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text: "`blog-api` `GET /posts` (`production`): *48 queries per request* (SQLAlchemy)",
      },
    });
    expect(json(body.blocks)).toContain("1.2 s wasted in the last hour, 3.4 min in total, over 57 traces");
    expect(json(body.blocks)).toContain("*Fix:* Eager-load Post.author with selectinload()");
    expect(body.blocks.at(-1)).toEqual({
      type: "actions",
      elements: [{ type: "button", text: { type: "plain_text", text: "Open in n1radar" }, url }],
    });
  });

  it("Discord: one embed linking the finding, mentions off", () => {
    const body = notifiers.discord.format(message) as { embeds: Record<string, unknown>[] };
    expect(body).toMatchObject({ allowed_mentions: { parse: [] } });
    expect(body.embeds[0]).toMatchObject({
      title: "New N+1 query",
      url,
      timestamp: message.createdAt,
      fields: [{ name: "Fix" }, { name: "Statement" }],
    });
    expect(body.embeds[0]!.description).toContain("**48 queries per request** (SQLAlchemy)");
  });

  it("Teams: a message with one Adaptive Card attachment and an Open URL action", () => {
    const body = notifiers.teams.format(message) as { type: string; attachments: Record<string, unknown>[] };
    expect(body.type).toBe("message");
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0]).toMatchObject({
      contentType: "application/vnd.microsoft.card.adaptive",
      content: {
        type: "AdaptiveCard",
        version: "1.4",
        actions: [{ type: "Action.OpenUrl", title: "Open in n1radar", url }],
      },
    });
    const text = json(body);
    expect(text).toContain(`{"title":"Service","value":"blog-api"}`);
    expect(text).toContain("SQLAlchemy");
  });

  it("Google Chat: one cardsV2 card with a header and an open-link button", () => {
    const body = notifiers.googlechat.format(message) as { cardsV2: Record<string, unknown>[] };
    expect(body.cardsV2[0]).toMatchObject({
      cardId: `n1radar-${message.id}`,
      card: { header: { title: "New N+1 query", subtitle: "48 queries per request · SQLAlchemy" } },
    });
    expect(json(body)).toContain(`"onClick":{"openLink":{"url":"${url}"}}`);
  });

  it("Mattermost: Slack-compatible markdown text with the link", () => {
    const body = notifiers.mattermost.format(message) as { text: string };
    expect(body.text.split("\n").slice(0, 3)).toEqual([
      "#### New N+1 query",
      "`blog-api` `GET /posts` (`production`): **48 queries per request** (SQLAlchemy)",
      "1.2 s wasted in the last hour, 3.4 min in total, over 57 traces",
    ]);
    expect(body.text).toContain(`[Open in n1radar](${url})`);
  });

  it("Webhook: the Standard Webhooks envelope with the whole offender", () => {
    const item = makeItem({ event: "regression" });
    expect(notifiers.webhook.format(alertMessage(item))).toEqual({
      type: "n1radar.offender.regression",
      timestamp: message.createdAt,
      data: {
        event: "regression",
        environment: "production",
        wastedMsPerHour: 1_200,
        url,
        offender: item.offender,
      },
    });
  });

  it("titles say which event happened", () => {
    const title = (event: "new" | "regression" | "threshold", kind = "n_plus_one" as const) =>
      (
        notifiers.discord.format(alertMessage(makeItem({ event }, { kind }))) as {
          embeds: { title: string }[];
        }
      ).embeds[0]!.title;
    expect(title("regression")).toBe("N+1 query is back");
    expect(title("threshold")).toBe("N+1 query crossed a threshold");
  });

  it("a digest lists ten offenders and counts the rest", () => {
    const items = Array.from({ length: 13 }, (_, i) => makeItem({}, { endpoint: `GET /p${i}` }));
    const digest = { ...message, kind: "digest" as const, items };
    const text = (notifiers.mattermost.format(digest) as { text: string }).text;
    expect(text).toContain("#### 13 N+1 alerts at once");
    expect(text).toContain("`GET /p9`");
    expect(text).not.toContain("`GET /p10`");
    expect(text).toContain("…and 3 more");
    expect(notifiers.webhook.format(digest)).toMatchObject({
      type: "n1radar.digest",
      data: { alerts: { length: 13 } },
    });
  });
});

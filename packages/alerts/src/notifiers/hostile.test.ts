/**
 * Span text is untrusted: a service, route, statement or fix naming `@channel`, `<!here>`, markdown links or bare
 * URLs must not ping anyone or become a link in any chat platform. Code spans are safe places (no markup, no
 * auto-links) on the markdown platforms, so what is checked is the text outside them.
 */
import { describe, expect, it } from "vitest";
import { notifiers } from "../registry.js";
import { alertMessage, hostile, makeItem } from "../testing/items.js";
import type { AlertMessage, DestinationType } from "../types.js";

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") {
    // URLs n1radar itself sets (buttons, embed links) are trusted.
    return Object.entries(value)
      .filter(([k]) => k !== "url")
      .flatMap(([, v]) => strings(v));
  }
  return [];
}

/** Code removed, and n1radar's own links (markdown platforms carry them in text). */
const outsideCode = (text: string) =>
  text
    .replace(/```[\s\S]*?```/g, "")
    .replace(/`[^`\n]*`/g, "")
    .replace(/\[Open in n1radar\]\(https:\/\/n1radar\.example\.com[^)]*\)/g, "");
const item = makeItem({ environment: "@here" }, hostile);
const digest: AlertMessage = { ...alertMessage(item), kind: "digest", items: [item, item] } as AlertMessage;
const chat: DestinationType[] = ["slack", "discord", "teams", "googlechat", "mattermost"];

describe.each(chat)("%s neutralises span text", (type) => {
  for (const [what, message] of [
    ["alert", alertMessage(item)],
    ["digest", digest],
  ] as const) {
    it(`in an ${what}`, () => {
      const texts = strings(notifiers[type].format(message)).map(outsideCode);
      const all = texts.join("\n");
      for (const mention of [
        "@channel",
        "@here",
        "@everyone",
        "@all",
        "<!here>",
        "<!channel>",
        "<users/all>",
      ])
        expect(all).not.toContain(mention);
      for (const link of ["https://evil", "www.evil", "evil.example", "](http", "<b>evil"])
        expect(all).not.toContain(link);
      // An angle-bracket autolink, unless its < is escaped (\<) for the platform's markdown.
      expect(all).not.toMatch(/(^|[^\\])<https:/m);
    });
  }

  it("keeps the untrusted words readable", () => {
    const all = strings(notifiers[type].format(alertMessage(item)))
      .join("\n")
      .replace(/\u200b/g, "");
    expect(all).toContain("evil.example");
    expect(all).toContain("channel");
  });
});

describe("inside code spans", () => {
  it("Slack escapes < and > even in code, so no <!channel> or <url|text> forms", () => {
    const all = strings(notifiers.slack.format(alertMessage(item))).join("\n");
    expect(all).not.toMatch(/<[!h@]/);
    expect(all).toContain("&lt;!channel&gt;");
  });

  it("a statement cannot close its fence early", () => {
    for (const type of ["slack", "discord", "mattermost"] as const) {
      const all = strings(notifiers[type].format(alertMessage(item))).join("\n");
      expect(all.match(/```/g)!.length % 2).toBe(0);
      expect(all).not.toMatch(/```(&lt;|<)!channel/);
    }
  });

  it("Discord turns every mention off", () => {
    expect(notifiers.discord.format(alertMessage(item))).toMatchObject({ allowed_mentions: { parse: [] } });
  });
});

/**
 * Mattermost incoming webhook, Slack-compatible: a markdown `text` (posts hold 16383 characters by default; the
 * message stays far below). Mattermost notifies on @channel, @all and @here in webhook posts, so every `@` is
 * defused; untrusted text sits in code spans, where markdown and auto-links do not apply.
 */
import {
  costText,
  digestPage,
  digestTitle,
  EVENT_LABEL,
  eventTitle,
  fixText,
  formatMs,
  ormText,
  repeatsText,
  STATEMENT_CHARS,
  testText,
} from "../describe.js";
import { codeSafe, defuse, escapeMarkdown, fenceSafe, truncate, unlink } from "../text.js";
import type { AlertItem, AlertMessage, Notifier } from "../types.js";

const code = (text: string) => `\`${codeSafe(text)}\``;
const plain = (text: string) => escapeMarkdown(unlink(defuse(text)));
const link = (url: string | null) => (url ? `[Open in n1radar](${url})` : "");

function where(item: AlertItem): string {
  const env = item.environment ? ` (${code(item.environment)})` : "";
  return `${code(item.offender.service)} ${code(item.offender.endpoint)}${env}`;
}

function alertText(item: AlertItem): string {
  const o = item.offender;
  return [
    `#### ${eventTitle(item)}`,
    `${where(item)}: **${repeatsText(o)}** (${ormText(o)})`,
    costText(item),
    `**Fix:** ${plain(fixText(o))}`,
    "```sql",
    fenceSafe(truncate(o.statement, STATEMENT_CHARS)),
    "```",
    link(item.url),
  ].join("\n");
}

function digestText(items: AlertItem[], dashboardUrl: string | null): string {
  const { listed, more } = digestPage(items);
  return [
    `#### ${digestTitle(items)}`,
    ...listed.map(
      (i) =>
        `- **${EVENT_LABEL[i.event]}** ${where(i)}: ${repeatsText(i.offender)}, ${formatMs(i.wastedMsPerHour)} wasted in the last hour`,
    ),
    ...(more > 0 ? [`- …and ${more} more`] : []),
    link(dashboardUrl),
  ].join("\n");
}

export const mattermost: Notifier = {
  label: "Mattermost",
  // Self-hosted, no documented webhook rate; stay gentle with the server.
  pacing: { limit: 5, windowMs: 1_000 },
  format(message: AlertMessage) {
    if (message.kind === "test") {
      const t = testText(message);
      return { text: `#### ${t.title}\n${plain(t.body)}` };
    }
    const text =
      message.kind === "digest" ? digestText(message.items, message.dashboardUrl) : alertText(message.item);
    return { text: truncate(text, 16_000) };
  },
};

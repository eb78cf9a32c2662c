/**
 * Slack incoming webhook: Block Kit blocks plus a `text` fallback (notifications and old clients show it).
 * Limits (Block Kit reference): header text 150 chars, section text 3000, at most 50 blocks, button URL 3000.
 * Untrusted text goes inside code spans (no mrkdwn, no auto-links) with &, < and > escaped, so `<!channel>` and
 * `<https://x|y>` cannot be formed; outside code it is also unlinked.
 */
import {
  costText,
  DIGEST_LISTED,
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
import { codeSafe, defuse, escapeSlack, fenceSafe, truncate, unlink } from "../text.js";
import type { AlertItem, AlertMessage, Notifier } from "../types.js";

const code = (text: string) => `\`${escapeSlack(codeSafe(text))}\``;
const plain = (text: string) => escapeSlack(unlink(defuse(text)));
const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text: truncate(text, 3000) } });
const header = (text: string) => ({
  type: "header",
  text: { type: "plain_text", text: truncate(text, 150) },
});

function where(item: AlertItem): string {
  const env = item.environment ? ` (${code(item.environment)})` : "";
  return `${code(item.offender.service)} ${code(item.offender.endpoint)}${env}`;
}

function button(url: string | null) {
  if (!url || url.length > 3000) return [];
  return [
    {
      type: "actions",
      elements: [{ type: "button", text: { type: "plain_text", text: "Open in n1radar" }, url }],
    },
  ];
}

function alertBlocks(item: AlertItem) {
  const o = item.offender;
  return [
    header(eventTitle(item)),
    section(`${where(item)}: *${repeatsText(o)}* (${ormText(o)})`),
    section(`${costText(item)}`),
    section(`*Fix:* ${plain(fixText(o))}`),
    section(`\`\`\`${escapeSlack(fenceSafe(truncate(o.statement, STATEMENT_CHARS)))}\`\`\``),
    ...button(item.url),
  ];
}

function digestBlocks(items: AlertItem[], dashboardUrl: string | null) {
  const { listed, more } = digestPage(items);
  const lines = listed.map(
    (i) =>
      `• *${EVENT_LABEL[i.event]}* ${where(i)}: ${repeatsText(i.offender)}, ${formatMs(i.wastedMsPerHour)} wasted in the last hour`,
  );
  if (more > 0) lines.push(`…and ${more} more`);
  // Each listed line is well under 300 characters, so ten of them fit one 3000-character section.
  return [
    header(digestTitle(items)),
    section(lines.slice(0, DIGEST_LISTED + 1).join("\n")),
    ...button(dashboardUrl),
  ];
}

export const slack: Notifier = {
  label: "Slack",
  // Slack: about one message per second per incoming webhook.
  pacing: { limit: 1, windowMs: 1_000 },
  format(message: AlertMessage) {
    if (message.kind === "test") {
      const t = testText(message);
      return { text: plain(t.title), blocks: [header(t.title), section(plain(t.body))] };
    }
    if (message.kind === "digest") {
      return { text: digestTitle(message.items), blocks: digestBlocks(message.items, message.dashboardUrl) };
    }
    const { item } = message;
    const text = `${eventTitle(item)}: ${where(item)}, ${repeatsText(item.offender)}`;
    return { text: truncate(text, 3000), blocks: alertBlocks(item) };
  },
};

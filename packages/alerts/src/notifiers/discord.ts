/**
 * Discord webhook: one embed. Limits (Discord's embed reference): title 256, description 4096, 25 fields of
 * name 256 / value 1024, footer 2048, and 6000 characters over the whole embed. `allowed_mentions: {parse: []}`
 * makes Discord ignore every mention, and untrusted text sits in code spans (no markdown, no auto-links).
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
  testText,
} from "../describe.js";
import { codeSafe, defuse, escapeMarkdown, fenceSafe, truncate, unlink } from "../text.js";
import type { AlertItem, AlertMessage, Notifier } from "../types.js";

const code = (text: string) => `\`${truncate(codeSafe(text), 300)}\``;
const plain = (text: string) => escapeMarkdown(unlink(defuse(text)));
const COLOR = { new: 0xe8590c, regression: 0xc92a2a, threshold: 0xf59f00, digest: 0x5f3dc4, test: 0x2f9e44 };

function where(item: AlertItem): string {
  const env = item.environment ? ` (${code(item.environment)})` : "";
  return `${code(item.offender.service)} ${code(item.offender.endpoint)}${env}`;
}

function alertEmbed(item: AlertItem) {
  const o = item.offender;
  return {
    title: truncate(eventTitle(item), 256),
    ...(item.url ? { url: item.url } : {}),
    color: COLOR[item.event],
    description: truncate(`${where(item)}: **${repeatsText(o)}** (${ormText(o)})\n${costText(item)}`, 2000),
    fields: [
      { name: "Fix", value: truncate(plain(fixText(o)), 1000) },
      // The fences take 10 characters of the field's 1024.
      { name: "Statement", value: `\`\`\`sql\n${fenceSafe(truncate(o.statement, 1000))}\n\`\`\`` },
    ],
    footer: { text: "n1radar" },
  };
}

function digestEmbed(items: AlertItem[], dashboardUrl: string | null) {
  const { listed, more } = digestPage(items);
  const lines = listed.map(
    (i) =>
      `**${EVENT_LABEL[i.event]}** ${where(i)}: ${repeatsText(i.offender)}, ${formatMs(i.wastedMsPerHour)}/h`,
  );
  if (more > 0) lines.push(`…and ${more} more`);
  return {
    title: digestTitle(items),
    ...(dashboardUrl ? { url: dashboardUrl } : {}),
    color: COLOR.digest,
    // Ten lines of at most ~1000 characters each would pass 4096; the cut keeps the embed valid.
    description: truncate(lines.join("\n"), 4000),
    footer: { text: "n1radar" },
  };
}

export const discord: Notifier = {
  label: "Discord",
  // Discord: 5 requests per 2 seconds per webhook (its X-RateLimit headers say so too).
  pacing: { limit: 5, windowMs: 2_000 },
  format(message: AlertMessage) {
    const embed =
      message.kind === "test"
        ? { title: testText(message).title, description: plain(testText(message).body), color: COLOR.test }
        : message.kind === "digest"
          ? digestEmbed(message.items, message.dashboardUrl)
          : alertEmbed(message.item);
    return { allowed_mentions: { parse: [] }, embeds: [{ ...embed, timestamp: message.createdAt }] };
  },
};

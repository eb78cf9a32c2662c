/**
 * Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook request is received"): a
 * message whose one attachment is an Adaptive Card 1.4 (the retired Office 365 connectors took MessageCards).
 * Teams caps a message at about 28 KB, so every text is cut well below. TextBlock markdown has no code spans,
 * so untrusted text is unlinked (zero-width breaks in URLs, domains and `](`) and its markdown escaped.
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
import { defuse, escapeMarkdown, truncate, unlink } from "../text.js";
import type { AlertItem, AlertMessage, Notifier } from "../types.js";

const safe = (text: string, max = 500) => escapeMarkdown(unlink(defuse(truncate(text, max))));
const block = (text: string, extra: Record<string, unknown> = {}) => ({
  type: "TextBlock",
  text,
  wrap: true,
  ...extra,
});
const title = (text: string) => block(text, { size: "Medium", weight: "Bolder" });

function openUrl(url: string | null) {
  return url ? [{ type: "Action.OpenUrl", title: "Open in n1radar", url }] : [];
}

function alertBody(item: AlertItem) {
  const o = item.offender;
  return [
    title(eventTitle(item)),
    block(`**${repeatsText(o)}** (${ormText(o)})`),
    {
      type: "FactSet",
      facts: [
        { title: "Service", value: safe(o.service, 200) },
        { title: "Endpoint", value: safe(o.endpoint, 300) },
        ...(item.environment ? [{ title: "Environment", value: safe(item.environment, 100) }] : []),
        { title: "Cost", value: costText(item) },
      ],
    },
    block(`**Fix:** ${safe(fixText(o))}`),
    block(safe(o.statement, STATEMENT_CHARS), { fontType: "Monospace", isSubtle: true }),
  ];
}

function digestBody(items: AlertItem[]) {
  const { listed, more } = digestPage(items);
  return [
    title(digestTitle(items)),
    ...listed.map((i) =>
      block(
        `**${EVENT_LABEL[i.event]}** ${safe(i.offender.service, 100)} ${safe(i.offender.endpoint, 200)}: ${repeatsText(i.offender)}, ${formatMs(i.wastedMsPerHour)} wasted in the last hour`,
      ),
    ),
    ...(more > 0 ? [block(`…and ${more} more`)] : []),
  ];
}

function card(body: unknown[], url: string | null) {
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          msteams: { width: "Full" },
          body,
          actions: openUrl(url),
        },
      },
    ],
  };
}

export const teams: Notifier = {
  label: "Microsoft Teams",
  // Workflows (Power Automate) throttles bursts; one message a second keeps a channel readable too.
  pacing: { limit: 1, windowMs: 1_000 },
  format(message: AlertMessage) {
    if (message.kind === "test") {
      const t = testText(message);
      return card([title(t.title), block(safe(t.body))], message.dashboardUrl);
    }
    if (message.kind === "digest") return card(digestBody(message.items), message.dashboardUrl);
    return card(alertBody(message.item), message.item.url);
  },
};

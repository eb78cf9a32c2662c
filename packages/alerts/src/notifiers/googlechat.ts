/**
 * Google Chat incoming webhook: a message with one card (`cardsV2`). Card text takes a small HTML subset
 * (<b>, <i>, <font>, <a>, <br>), so untrusted text is HTML-escaped (no tags, no `<users/all>` mention) and
 * unlinked. Chat messages hold 32,000 bytes; each paragraph here stays under 2,000 characters.
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
import { defuse, escapeHtml, truncate, unlink } from "../text.js";
import type { AlertItem, AlertMessage, Notifier } from "../types.js";

const safe = (text: string, max = 500) => escapeHtml(unlink(defuse(truncate(text, max))));
const paragraph = (text: string) => ({ textParagraph: { text } });
const labelled = (topLabel: string, text: string) => ({ decoratedText: { topLabel, text, wrapText: true } });

function buttons(url: string | null) {
  return url
    ? [{ buttonList: { buttons: [{ text: "Open in n1radar", onClick: { openLink: { url } } }] } }]
    : [];
}

function alertCard(item: AlertItem) {
  const o = item.offender;
  const env = item.environment ? ` (${safe(item.environment, 100)})` : "";
  return {
    header: { title: eventTitle(item), subtitle: truncate(`${repeatsText(o)} · ${ormText(o)}`, 200) },
    sections: [
      {
        widgets: [
          paragraph(`<b>${safe(o.service, 200)}</b> ${safe(o.endpoint, 300)}${env}`),
          paragraph(escapeHtml(costText(item))),
          labelled("Fix", safe(fixText(o))),
          labelled("Statement", `<font color="#555555">${safe(o.statement, STATEMENT_CHARS)}</font>`),
          ...buttons(item.url),
        ],
      },
    ],
  };
}

function digestCard(items: AlertItem[], dashboardUrl: string | null) {
  const { listed, more } = digestPage(items);
  const lines = listed.map(
    (i) =>
      `<b>${EVENT_LABEL[i.event]}</b> ${safe(i.offender.service, 100)} ${safe(i.offender.endpoint, 200)}: ${repeatsText(i.offender)}, ${formatMs(i.wastedMsPerHour)} wasted in the last hour`,
  );
  if (more > 0) lines.push(`…and ${more} more`);
  return {
    header: { title: digestTitle(items) },
    sections: [{ widgets: [paragraph(lines.join("<br>")), ...buttons(dashboardUrl)] }],
  };
}

export const googlechat: Notifier = {
  label: "Google Chat",
  // Google Chat: 1 write per second per space (60 per minute).
  pacing: { limit: 1, windowMs: 1_000 },
  format(message: AlertMessage) {
    const card =
      message.kind === "test"
        ? {
            header: { title: testText(message).title },
            sections: [{ widgets: [paragraph(safe(testText(message).body))] }],
          }
        : message.kind === "digest"
          ? digestCard(message.items, message.dashboardUrl)
          : alertCard(message.item);
    return { cardsV2: [{ cardId: `n1radar-${message.id}`, card }] };
  },
};

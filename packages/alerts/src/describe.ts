/**
 * The wording every platform shares, as plain text. Fields marked untrusted come from span attributes and must be
 * escaped by the notifier for its own markup; everything else is n1radar's own text and numbers.
 */
import type { Offender } from "@n1radar/core";
import type { AlertItem, AlertMessage } from "./types.js";

/** A digest lists this many offenders and counts the rest. */
export const DIGEST_LISTED = 10;
/** Statements are cut to this many characters in chat messages (the dashboard has them whole). */
export const STATEMENT_CHARS = 1500;

export function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

const TITLES = {
  n_plus_one: {
    new: "New N+1 query",
    regression: "N+1 query is back",
    threshold: "N+1 query crossed a threshold",
  },
  repeated_write: {
    new: "New repeated write",
    regression: "Repeated write is back",
    threshold: "Repeated write crossed a threshold",
  },
} as const;

/** "New N+1 query", "N+1 query is back", "Repeated write crossed a threshold". */
export function eventTitle(item: AlertItem): string {
  return (TITLES[item.offender.kind] ?? TITLES.n_plus_one)[item.event];
}

/** "48 queries per request" (trusted). */
export function repeatsText(offender: Offender): string {
  const unit = offender.kind === "repeated_write" ? "writes" : "queries";
  return `${offender.repeats} ${unit} per request`;
}

/** The ORM's display name from the fix catalog ("SQLAlchemy", or "SQL" when unknown): trusted. */
export function ormText(offender: Offender): string {
  return offender.guidance.ormName;
}

/** "1.2 s wasted in the last hour, 3.4 min in total, over 57 traces" (trusted). */
export function costText(item: AlertItem): string {
  const { offender } = item;
  const traces = `${offender.traces} trace${offender.traces === 1 ? "" : "s"}`;
  return `${formatMs(item.wastedMsPerHour)} wasted in the last hour, ${formatMs(offender.wastedMs)} in total, over ${traces}`;
}

/** The fix in one line (untrusted: it names tables and columns from the SQL). */
export function fixText(offender: Offender): string {
  return offender.guidance.summary;
}

/** "Test message from n1radar" and the line under it. */
export function testText(message: Extract<AlertMessage, { kind: "test" }>): { title: string; body: string } {
  return {
    title: "Test message from n1radar",
    body: `Alerts for new and returning N+1 queries will arrive here (destination ${message.destinationName}).`,
  };
}

/** "12 N+1 alerts" for a digest's title. */
export function digestTitle(items: readonly AlertItem[]): string {
  return `${items.length} N+1 alert${items.length === 1 ? "" : "s"} at once`;
}

export const EVENT_LABEL = { new: "New", regression: "Back", threshold: "Threshold" } as const;

/** The digest's listed items and how many more there are. */
export function digestPage(items: readonly AlertItem[]): { listed: AlertItem[]; more: number } {
  return { listed: items.slice(0, DIGEST_LISTED), more: Math.max(0, items.length - DIGEST_LISTED) };
}

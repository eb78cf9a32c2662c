// What the ignore dialog says a rule will cover, from GET /api/findings/:id/ignore-preview: how many offenders
// and which, so a rule for "this query, on any endpoint" cannot silently take the worst offender along.
import type { IgnorePreview } from "@n1radar/core";
import { formatCount, formatDuration } from "./format";

export type { IgnorePreview };

/** "3 offenders", "1 offender". */
export function offenderCount(n: number): string {
  return `${formatCount(n)} ${n === 1 ? "offender" : "offenders"}`;
}

/** One line per covered offender: "GET /feed · 900 ms wasted", this one marked, then "and 4 more". */
export function coverageLines(preview: IgnorePreview, thisId: string): string[] {
  const lines = preview.offenders.map(
    (o) => `${o.endpoint}${o.id === thisId ? " (this one)" : ""} · ${formatDuration(o.wastedMs)} wasted`,
  );
  const more = preview.covers - preview.offenders.length;
  if (more > 0) lines.push(`and ${formatCount(more)} more`);
  return lines;
}

/** True when the rule covers offenders besides this one: the dialog then says so before it is created. */
export function coversOthers(preview: IgnorePreview, thisId: string): boolean {
  return preview.covers > 1 || preview.offenders.some((o) => o.id !== thisId);
}

// The overview's time range: its red figure is the time wasted within it by what is still to fix, not every
// offender's total since it was first seen.
export const RANGES = [
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
  { value: "30d", label: "Last 30 days" },
  { value: "all", label: "All time" },
] as const;

export type OverviewRange = (typeof RANGES)[number]["value"];
export const DEFAULT_RANGE: OverviewRange = "7d";

export function parseRange(params: URLSearchParams): OverviewRange {
  const value = params.get("range");
  return RANGES.find((r) => r.value === value)?.value ?? DEFAULT_RANGE;
}

/** The API query for a range: `since=7d`, or nothing for all time. */
export function rangeQuery(range: OverviewRange): string {
  return range === "all" ? "" : `since=${range}`;
}

export function rangeLabel(range: OverviewRange): string {
  return (RANGES.find((r) => r.value === range) ?? RANGES[1]).label.toLowerCase();
}

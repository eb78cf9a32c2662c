// Geometry for the small SVG charts (no chart library): the list's sparklines and the finding's
// occurrences-over-time bars. Pure, so it is unit-tested.
import type { HistoryPoint } from "./types";

export const HOUR_MS = 3_600_000;

/** An SVG polyline `points` string for values across width x height, with `pad` px kept clear at top/bottom. */
export function sparklinePoints(values: readonly number[], width: number, height: number, pad = 2): string {
  if (values.length === 0) return "";
  const top = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const x = values.length > 1 ? i * step : width / 2;
      const y = height - pad - (Math.max(0, v) / top) * (height - 2 * pad);
      return `${round(x)},${round(y)}`;
    })
    .join(" ");
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

export interface Bucket {
  /** Start of the bucket, ms since epoch. */
  at: number;
  occurrences: number;
  wastedMs: number;
}

export interface Series {
  buckets: Bucket[];
  /** Bucket size: an hour or a day. */
  stepMs: number;
}

/**
 * History (hour buckets, only those with data) as a gap-free series ending at `nowMs`: hourly for up to
 * `maxHours` back, and daily when the history reaches further, so old offenders still show their shape.
 */
export function occurrenceSeries(
  history: readonly HistoryPoint[],
  nowMs: number,
  minHours = 24,
  maxHours = 72,
): Series {
  const points = history
    .map((p) => ({ at: Date.parse(p.at), occurrences: p.occurrences, wastedMs: p.wastedMs }))
    .filter((p) => Number.isFinite(p.at));
  const first = Math.min(nowMs, ...points.map((p) => p.at));
  const spanHours = Math.ceil((nowMs - first) / HOUR_MS) + 1;
  const daily = spanHours > maxHours;
  const stepMs = daily ? 24 * HOUR_MS : HOUR_MS;
  const end = Math.floor(nowMs / stepMs) * stepMs;
  const count = daily ? Math.min(90, Math.ceil(spanHours / 24) + 1) : Math.max(minHours, spanHours);
  const start = end - (count - 1) * stepMs;
  const buckets: Bucket[] = Array.from({ length: count }, (_, i) => ({
    at: start + i * stepMs,
    occurrences: 0,
    wastedMs: 0,
  }));
  for (const p of points) {
    const slot = buckets[Math.floor((p.at - start) / stepMs)];
    if (!slot) continue; // older than the window shown
    slot.occurrences += p.occurrences;
    slot.wastedMs += p.wastedMs;
  }
  return { buckets, stepMs };
}

/** A round axis maximum at or above `max` (1, 2, 5 x 10^n), so gridlines land on readable numbers. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 5, 10].find((m) => m * magnitude >= max) ?? 10;
  return step * magnitude;
}

/**
 * The trace-viewer link for a trace id, or null. Only http(s) templates make links: the template comes from
 * the server's settings, but a `javascript:` URL must never reach an href.
 */
export function traceUrl(template: string | null, traceId: string): string | null {
  if (!template?.includes("{traceId}")) return null;
  const url = template.split("{traceId}").join(encodeURIComponent(traceId));
  return /^https?:\/\//i.test(url) ? url : null;
}

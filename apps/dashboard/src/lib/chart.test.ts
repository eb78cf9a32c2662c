import { describe, expect, it } from "vitest";
import { HOUR_MS, niceMax, occurrenceSeries, sparklinePoints, traceUrl } from "./chart";

describe("sparklinePoints", () => {
  it("spreads values across the width, highest at the top", () => {
    expect(sparklinePoints([0, 5, 10], 100, 20, 0)).toBe("0,20 50,10 100,0");
    expect(sparklinePoints([0, 0], 100, 20, 2)).toBe("0,18 100,18"); // all zero: a flat line at the bottom
    expect(sparklinePoints([3], 100, 20, 0)).toBe("50,0");
    expect(sparklinePoints([], 100, 20)).toBe("");
  });
});

describe("occurrenceSeries", () => {
  const now = Date.UTC(2026, 0, 10, 12, 30);
  const hour = (h: number) => new Date(Date.UTC(2026, 0, 10, h)).toISOString();
  const point = (at: string, occurrences: number) => ({
    at,
    occurrences,
    wastedMs: occurrences,
    repeatsMax: 5,
  });

  it("fills the gaps hourly, at least a day back, ending with the current hour", () => {
    const series = occurrenceSeries([point(hour(9), 2), point(hour(12), 1)], now);
    expect(series.stepMs).toBe(HOUR_MS);
    expect(series.buckets).toHaveLength(24);
    expect(series.buckets.at(-1)).toEqual({ at: Date.parse(hour(12)), occurrences: 1, wastedMs: 1 });
    expect(series.buckets.at(-4)?.occurrences).toBe(2);
  });

  it("switches to days for long histories", () => {
    const old = new Date(now - 10 * 86_400_000).toISOString();
    const series = occurrenceSeries([point(old, 4), point(hour(11), 1)], now);
    expect(series.stepMs).toBe(24 * HOUR_MS);
    expect(series.buckets.reduce((sum, b) => sum + b.occurrences, 0)).toBe(5);
  });
});

describe("niceMax and traceUrl", () => {
  it("rounds axis maxima up to 1, 2 or 5 times a power of ten", () => {
    expect([0, 1, 3, 7, 12, 480].map(niceMax)).toEqual([1, 1, 5, 10, 20, 500]);
  });

  it("builds trace links from http(s) templates only, with the id escaped", () => {
    expect(traceUrl("http://jaeger:16686/trace/{traceId}", "ab12")).toBe("http://jaeger:16686/trace/ab12");
    expect(traceUrl("https://t/x?id={traceId}&q={traceId}", "a b")).toBe("https://t/x?id=a%20b&q=a%20b");
    expect(traceUrl("javascript:alert('{traceId}')", "x")).toBeNull();
    expect(traceUrl("http://no-placeholder/", "x")).toBeNull();
    expect(traceUrl(null, "x")).toBeNull();
  });
});

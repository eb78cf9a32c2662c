import { describe, expect, it } from "vitest";
import { Metrics } from "./metrics.js";

describe("Metrics", () => {
  it("renders counters and observed values in the Prometheus text format", () => {
    const m = new Metrics();
    const requests = m.counter("n1_requests_total", "Requests\nby outcome", ["transport", "outcome"]);
    requests.labels({ transport: "http", outcome: "accepted" }).inc();
    requests.labels({ transport: "http", outcome: "accepted" }).inc(2);
    requests.labels({ transport: "grpc", outcome: 'we"ird\\\n' });
    let depth = 7;
    m.observe("n1_queue", "Queue depth", "gauge", () => depth);
    depth = 9;
    expect(m.render()).toBe(
      [
        "# HELP n1_requests_total Requests\\nby outcome",
        "# TYPE n1_requests_total counter",
        'n1_requests_total{transport="http",outcome="accepted"} 3',
        'n1_requests_total{transport="grpc",outcome="we\\"ird\\\\\\n"} 0',
        "# HELP n1_queue Queue depth",
        "# TYPE n1_queue gauge",
        "n1_queue 9",
        "",
      ].join("\n"),
    );
  });

  it("renders a histogram as cumulative buckets, sum and count", () => {
    const m = new Metrics();
    const h = m.histogram("n1_write_seconds", "Write time", [0.01, 0.1]);
    h.observe(0.005);
    h.observe(0.05);
    h.observe(3);
    expect(m.render()).toBe(
      [
        "# HELP n1_write_seconds Write time",
        "# TYPE n1_write_seconds histogram",
        'n1_write_seconds_bucket{le="0.01"} 1',
        'n1_write_seconds_bucket{le="0.1"} 2',
        'n1_write_seconds_bucket{le="+Inf"} 3',
        "n1_write_seconds_sum 3.055",
        "n1_write_seconds_count 3",
        "",
      ].join("\n"),
    );
  });

  it("refuses mistakes that would produce an unparsable exposition", () => {
    const m = new Metrics();
    expect(() => m.counter("bad-name", "x")).toThrow(/invalid metric name/);
    expect(() => m.counter("ok_total", "x", ["bad-label"])).toThrow(/invalid label name/);
    const c = m.counter("ok_total", "x", ["a"]);
    expect(() => m.counter("ok_total", "x")).toThrow(/twice/);
    expect(() => c.labels({ b: "1" })).toThrow(/expected labels a/);
    expect(() => c.labels({ a: "1" }).inc(-1)).toThrow(RangeError);
  });

  it("writes special float values as Prometheus spells them", () => {
    const m = new Metrics();
    m.observe("n1_nan", "x", "gauge", () => Number.NaN);
    m.observe("n1_inf", "x", "gauge", () => Number.POSITIVE_INFINITY);
    expect(m.render()).toContain("n1_nan NaN\n");
    expect(m.render()).toContain("n1_inf +Inf\n");
  });

  it("reads a labelled family from its owner at scrape time, one series per label value", () => {
    const m = new Metrics();
    let late = 0;
    m.observeByLabel("n1_late_total", "Late", "counter", "kind", () => ({ request: late, child: 2 }));
    late = 3;
    expect(m.render()).toBe(
      '# HELP n1_late_total Late\n# TYPE n1_late_total counter\nn1_late_total{kind="request"} 3\nn1_late_total{kind="child"} 2\n',
    );
    expect(() => m.observeByLabel("n1_x", "x", "gauge", "bad-label", () => ({}))).toThrow(/invalid label/);
  });
});

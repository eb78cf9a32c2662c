/**
 * Self-telemetry in the Prometheus text exposition format (version 0.0.4), without a client library: a few
 * counters with fixed label sets and gauges read at scrape time. Counters are bumped per request, never per
 * span, so the hot path pays one property increment.
 */

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Readonly<Record<string, string>>;

/** One labelled series of a counter; keep the handle and call `inc` on the hot path. */
export interface CounterChild {
  inc(by?: number): void;
  readonly value: number;
}

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  /** Samples: labels, value, and the suffix of the sample's name (a histogram's `_bucket`, `_sum`, `_count`). */
  series(): Iterable<[Labels, number, string?]>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label values may hold anything; the format escapes backslash, double quote and newline. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

export class Counter {
  private readonly children = new Map<string, { labels: Labels; child: CounterChild }>();

  constructor(private readonly labelNames: readonly string[]) {}

  /** The series for these label values, created at 0 on first use (so it is exported even before it moves). */
  labels(labels: Labels = {}): CounterChild {
    const names = Object.keys(labels);
    if (names.length !== this.labelNames.length || !this.labelNames.every((n) => n in labels)) {
      throw new Error(`expected labels ${this.labelNames.join(",")}, got ${names.join(",")}`);
    }
    const key = this.labelNames.map((n) => labels[n]).join("\u0000");
    let entry = this.children.get(key);
    if (!entry) {
      let value = 0;
      const child: CounterChild = {
        inc(by = 1) {
          if (!(by >= 0)) throw new RangeError(`counters only go up, got ${by}`);
          value += by;
        },
        get value() {
          return value;
        },
      };
      entry = { labels: { ...labels }, child };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  *series(): Iterable<[Labels, number]> {
    for (const { labels, child } of this.children.values()) yield [labels, child.value];
  }
}

/** Default buckets, in seconds: from a millisecond (a small SQLite write) to 10 s (a stalled database). */
export const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10] as const;

/** A Prometheus histogram without labels: cumulative buckets, sum and count. */
export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) this.counts[i]!++;
  }

  *series(): Iterable<[Labels, number, string]> {
    for (let i = 0; i < this.bounds.length; i++)
      yield [{ le: formatValue(this.bounds[i]!) }, this.counts[i]!, "_bucket"];
    yield [{ le: "+Inf" }, this.count, "_bucket"];
    yield [{}, this.sum, "_sum"];
    yield [{}, this.count, "_count"];
  }
}

export class Metrics {
  private readonly families = new Map<string, Family>();
  private readonly refreshers: (() => Promise<void>)[] = [];

  private add(family: Family): void {
    if (!NAME.test(family.name)) throw new Error(`invalid metric name ${family.name}`);
    if (this.families.has(family.name)) throw new Error(`metric ${family.name} registered twice`);
    this.families.set(family.name, family);
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    for (const l of labelNames) if (!LABEL.test(l)) throw new Error(`invalid label name ${l}`);
    const counter = new Counter(labelNames);
    this.add({ name, help, type: "counter", series: () => counter.series() });
    return counter;
  }

  histogram(name: string, help: string, bounds: readonly number[] = SECONDS_BUCKETS): Histogram {
    const histogram = new Histogram(bounds);
    this.add({ name, help, type: "histogram", series: () => histogram.series() });
    return histogram;
  }

  /** A value that something else owns (queue depth, pipeline totals), read when scraped. */
  observe(name: string, help: string, type: "counter" | "gauge", read: () => number): void {
    this.add({ name, help, type, series: () => [[{}, read()]] });
  }

  /** Like `observe`, for a family whose series differ in one label, read together: `{ labelValue: value }`. */
  observeByLabel(
    name: string,
    help: string,
    type: "counter" | "gauge",
    label: string,
    read: () => Record<string, number>,
  ): void {
    if (!LABEL.test(label)) throw new Error(`invalid label name ${label}`);
    const series = () =>
      Object.entries(read()).map(([value, n]): [Labels, number] => [{ [label]: value }, n]);
    this.add({ name, help, type, series });
  }

  /**
   * Runs `read` before each scrape (`scrape()`), for values that take a database round trip: `observe` readers
   * are synchronous, so such a value is read here and kept for them.
   */
  beforeScrape(read: () => Promise<void>): void {
    this.refreshers.push(read);
  }

  /** The exposition after refreshing the values read before each scrape (what GET /metrics serves). */
  async scrape(): Promise<string> {
    await Promise.all(this.refreshers.map((read) => read()));
    return this.render();
  }

  render(): string {
    const lines: string[] = [];
    for (const f of this.families.values()) {
      lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
      for (const [labels, value, suffix = ""] of f.series()) {
        lines.push(`${f.name}${suffix}${formatLabels(labels)} ${formatValue(value)}`);
      }
    }
    return `${lines.join("\n")}\n`;
  }
}

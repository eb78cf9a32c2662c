import type { Finding } from "./finding.js";

/**
 * Folds findings into one delta per offender between two store flushes, so the store writes each offender once
 * per flush however many traces showed it. Pure and synchronous; the server drains it on a timer and at shutdown.
 */
export interface HourDelta {
  occurrences: number;
  wastedMs: number;
  repeatsMax: number;
}

export interface OffenderDelta {
  id: string;
  /** The finding with the most repeats in this window: the evidence worth keeping. */
  sample: Finding;
  /** The newest finding: its source statement and code location are the freshest. */
  latest: Finding;
  occurrences: number;
  traces: number;
  wastedMs: number;
  repeatsMax: number;
  /** repeats per request -> requests, for the median. */
  repeatsHistogram: Map<number, number>;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Keyed by the start of the hour (ms since epoch). */
  hours: Map<number, HourDelta>;
  /** Newest first, distinct, at most `EXAMPLES`. */
  exampleTraceIds: string[];
}

export const EXAMPLES = 10;

/**
 * What an offender says of the request it keeps as evidence (the sample: the most repeats in the window): its
 * waterfall, its loop's source query and chain, whether the loop ran in parallel, and the code that ran it (the
 * newest finding's location when it has one). The store writes these with the guidance read from the same sample,
 * and `n1radar analyze` reports the same, so both describe one request.
 */
export function sampleEvidence(delta: OffenderDelta) {
  const { sample, latest } = delta;
  return {
    sampleTraceId: sample.traceId,
    sampleSpans: sample.spans,
    sourceStatement: sample.sourceStatement,
    chain: sample.chain,
    parallel: sample.parallel,
    code: latest.code ?? sample.code,
  };
}
const HOUR_MS = 3_600_000;

export class FindingAccumulator {
  /**
   * `idOf` names the offender a finding belongs to (the detector's offenderId, a hash of service, endpoint, kind
   * and fingerprint): aggregation needs the identity, not how it is computed.
   */
  constructor(private readonly idOf: (finding: Finding) => string) {}

  private deltas = new Map<string, OffenderDelta>();
  /** Each finding's offender id, computed once: keepsSample and addTrace both need it (idOf is a hash). */
  private readonly ids = new WeakMap<Finding, string>();
  /** Trace ids seen per offender in this window; kept out of the delta, which the store reads. */
  private traceIds = new Map<string, Set<string>>();

  /**
   * Adds findings of one trace (a whole trace, or one request of it: the assembler releases requests one by
   * one). An offender counts a trace once per window however many of its requests showed it; across windows
   * the store adds the counts, so a trace whose requests straddle a flush can count twice.
   */
  addTrace(findings: readonly Finding[]): void {
    for (const finding of findings) {
      const id = this.id(finding);
      const delta = this.deltas.get(id) ?? this.create(id, finding);
      let traces = this.traceIds.get(id);
      if (!traces) {
        traces = new Set();
        this.traceIds.set(id, traces);
      }
      const newTrace = !traces.has(finding.traceId);
      traces.add(finding.traceId);
      this.merge(delta, finding, newTrace);
    }
  }

  /**
   * Whether `finding` would become its offender's sample if added now: the first of its offender in this
   * window, or more repeats than the sample so far. Only such findings need their evidence built.
   */
  keepsSample(finding: Finding): boolean {
    const delta = this.deltas.get(this.id(finding));
    return delta === undefined || finding.repeats > delta.repeatsMax;
  }

  private id(finding: Finding): string {
    let id = this.ids.get(finding);
    if (id === undefined) {
      id = this.idOf(finding);
      this.ids.set(finding, id);
    }
    return id;
  }

  get size(): number {
    return this.deltas.size;
  }

  /** Returns and forgets everything gathered since the last drain. */
  drain(): OffenderDelta[] {
    const out = [...this.deltas.values()];
    this.deltas = new Map();
    this.traceIds = new Map();
    return out;
  }

  private create(id: string, finding: Finding): OffenderDelta {
    const delta: OffenderDelta = {
      id,
      sample: finding,
      latest: finding,
      occurrences: 0,
      traces: 0,
      wastedMs: 0,
      repeatsMax: 0,
      repeatsHistogram: new Map(),
      firstSeenMs: finding.seenAtMs,
      lastSeenMs: finding.seenAtMs,
      hours: new Map(),
      exampleTraceIds: [],
    };
    this.deltas.set(id, delta);
    return delta;
  }

  private merge(delta: OffenderDelta, finding: Finding, newTrace: boolean): void {
    delta.occurrences++;
    if (newTrace) delta.traces++;
    delta.wastedMs += finding.wastedMs;
    if (finding.repeats > delta.repeatsMax) {
      delta.repeatsMax = finding.repeats;
      delta.sample = finding;
    }
    if (finding.seenAtMs >= delta.latest.seenAtMs) delta.latest = finding;
    delta.repeatsHistogram.set(finding.repeats, (delta.repeatsHistogram.get(finding.repeats) ?? 0) + 1);
    delta.firstSeenMs = Math.min(delta.firstSeenMs, finding.seenAtMs);
    delta.lastSeenMs = Math.max(delta.lastSeenMs, finding.seenAtMs);
    const hourStart = Math.floor(finding.seenAtMs / HOUR_MS) * HOUR_MS;
    const hour = delta.hours.get(hourStart) ?? { occurrences: 0, wastedMs: 0, repeatsMax: 0 };
    hour.occurrences++;
    hour.wastedMs += finding.wastedMs;
    hour.repeatsMax = Math.max(hour.repeatsMax, finding.repeats);
    delta.hours.set(hourStart, hour);
    if (!delta.exampleTraceIds.includes(finding.traceId)) {
      delta.exampleTraceIds.unshift(finding.traceId);
      if (delta.exampleTraceIds.length > EXAMPLES) delta.exampleTraceIds.pop();
    }
  }
}

/** Median of a repeats histogram (repeats -> count). */
export function histogramMedian(histogram: ReadonlyMap<number, number> | Record<string, number>): number {
  const entries = (
    histogram instanceof Map ? [...histogram] : Object.entries(histogram).map(([k, v]) => [Number(k), v])
  )
    .map(([k, v]) => [Number(k), Number(v)] as const)
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return 0;
  const lowRank = Math.floor((total - 1) / 2);
  const highRank = Math.floor(total / 2);
  let seen = 0;
  let low: number | undefined;
  for (const [value, count] of entries) {
    if (low === undefined && seen + count > lowRank) low = value;
    if (seen + count > highRank) return ((low as number) + value) / 2;
    seen += count;
  }
  return low ?? 0;
}

/**
 * `n1radar analyze`: the server's detector, offline. Spans are grouped by trace and each whole trace is judged
 * at once (no assembly timing: the file holds everything there is), then folded per offender exactly as the
 * server folds them, so a finding here is the offender the dashboard would show.
 */
import {
  type DbKind,
  type Finding,
  FindingAccumulator,
  histogramMedian,
  type Offender,
  projectedSavings,
  roundMs,
  type SpanRecord,
  sampleEvidence,
} from "@n1radar/core";
import { type DetectorSettings, detect, offenderId } from "@n1radar/detector";
import { guidanceFor, ServiceOrms } from "@n1radar/guidance";

/** The offender the dashboard would show (no workflow status offline), plus the store kind and example traces. */
export type AnalyzedOffender = Omit<Offender, "status"> & { dbKind: DbKind; exampleTraceIds: string[] };

export interface Analysis {
  findings: AnalyzedOffender[];
  traces: number;
  spans: number;
}

export function analyzeSpans(spans: readonly SpanRecord[], settings: DetectorSettings): Analysis {
  const byTrace = new Map<string, Map<string, SpanRecord>>();
  for (const span of spans) {
    let trace = byTrace.get(span.traceId);
    if (!trace) {
      trace = new Map();
      byTrace.set(span.traceId, trace);
    }
    trace.set(span.spanId, span); // a span written twice (exporter retry) counts once
  }
  const accumulator = new FindingAccumulator(offenderId);
  const wantsEvidence = (finding: Finding) => accumulator.keepsSample(finding);
  for (const trace of byTrace.values())
    accumulator.addTrace(detect([...trace.values()], settings, { wantsEvidence }));
  const deltas = accumulator.drain();
  // Every offender of the file first, so each is read in the light of its service's other statements.
  const serviceOrms = new ServiceOrms();
  for (const delta of deltas) serviceOrms.observe(delta.sample);
  const findings = deltas.map((delta): AnalyzedOffender => {
    const { latest, sample } = delta;
    const evidence = sampleEvidence(delta);
    const guidance = guidanceFor(sample, serviceOrms);
    const repeatsMedian = histogramMedian(delta.repeatsHistogram);
    return {
      id: delta.id,
      kind: latest.kind,
      service: latest.service,
      endpoint: latest.endpoint,
      statement: latest.statement,
      sourceStatement: evidence.sourceStatement,
      chain: evidence.chain,
      parallel: evidence.parallel,
      dbSystem: latest.dbSystem,
      dbKind: latest.dbKind ?? "sql",
      orm: guidance.orm,
      repeats: delta.repeatsMax,
      repeatsMedian,
      traces: delta.traces,
      occurrences: delta.occurrences,
      wastedMs: roundMs(delta.wastedMs),
      firstSeen: new Date(delta.firstSeenMs).toISOString(),
      lastSeen: new Date(delta.lastSeenMs).toISOString(),
      guidance,
      code: evidence.code,
      exampleTraceIds: delta.exampleTraceIds,
      // At the rate of the traces analyzed (a test run's rate says little about production: see savings.ts).
      savings: projectedSavings({
        occurrences: delta.occurrences,
        repeatsMedian,
        wastedMs: delta.wastedMs,
        firstSeenMs: delta.firstSeenMs,
        lastSeenMs: delta.lastSeenMs,
        parallel: evidence.parallel,
      }),
    };
  });
  findings.sort((a, b) => b.wastedMs - a.wastedMs || b.repeats - a.repeats || a.id.localeCompare(b.id));
  return { findings, traces: byTrace.size, spans: spans.length };
}

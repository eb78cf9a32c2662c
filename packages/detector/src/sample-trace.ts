/**
 * Explaining a stored sample: an offender keeps a bounded sample of one request's spans (SampleSpan: normalized
 * statements, offsets, and the facts the detectors judged by), not the spans themselves. This turns the sample
 * back into spans and statement keys, so `explain` can say, with today's settings, why each group of repeated
 * calls in that request was or was not reported: the dashboard's "Why was this flagged".
 *
 * The keys are rebuilt from what was recorded (the display text, its kind and shape), never re-derived from raw
 * attributes, which are not kept: SQL's canonical form is its display normalized again (normalization is
 * idempotent), other stores' is their display in lower case, as statement.ts makes them.
 */
import type { Explanation, SampleSpan, SpanRecord } from "@n1radar/core";
import { SpanKind } from "@n1radar/core";
import { callKey, type SpanKeys } from "./calls.js";
import { explain } from "./explain.js";
import { normalizeSql } from "./fingerprint.js";
import type { DetectorSettings } from "./settings.js";
import { type StatementKey, statementKey } from "./statement.js";

export interface SampleOrigin {
  traceId: string;
  service: string;
  endpoint: string;
}

/**
 * The API's explanation (core's ExplanationAnswerSchema) but the sample limit, which the server adds. `complete`
 * is false for samples stored before the judged facts were kept: their retries, cache hits, intended-loop marks
 * and doubly traced calls cannot be told apart, so those verdicts may differ from the server's at the time.
 */
export type SampleExplanation = Omit<Explanation, "maxSampleSpans">;

const JSON_TEXT = /^\s*[[{]/;

function recordedKey(sample: SampleSpan): StatementKey | null {
  const display = sample.statement;
  if (display === null) return null;
  if (sample.op === undefined) {
    // An older sample: its display text is SQL already normalized; classify it again.
    return statementKey({
      system: null,
      statement: display,
      operation: null,
      collection: null,
      namespace: null,
      summary: null,
    });
  }
  const dbKind = sample.dbKind ?? "sql";
  const canonical =
    dbKind === "sql" && !JSON_TEXT.test(display) ? normalizeSql(display).canonical : display.toLowerCase();
  return { display, canonical, dbKind, op: sample.op, paginated: sample.paginated ?? false };
}

/** The sample as spans the detectors can judge, with the keys they were judged by. */
export function spansOfSample(
  sample: readonly SampleSpan[],
  origin: SampleOrigin,
): { spans: SpanRecord[]; keys: SpanKeys; complete: boolean } {
  const ids = new Set(sample.map((s) => s.spanId));
  const tops = sample.filter((s) => s.parentSpanId === null || !ids.has(s.parentSpanId));
  // The request span when it was sampled (one top span that is not a query); else the tops are the orphans of a
  // request span that never arrived, and stay under their missing parent, as the server grouped them.
  const root = tops.length === 1 && tops[0]?.statement === null ? tops[0] : null;
  const recorded = new Map<SpanRecord, { key: StatementKey | null; call: boolean | undefined }>();
  const spans = sample.map((s): SpanRecord => {
    const isRoot = s === root;
    const span: SpanRecord = {
      traceId: origin.traceId,
      spanId: s.spanId,
      parentSpanId: isRoot ? null : s.parentSpanId,
      name: s.name,
      kind: isRoot ? SpanKind.Server : SpanKind.Internal,
      startMs: s.offsetMs,
      endMs: s.offsetMs + s.durationMs,
      status: s.failed ? "error" : "unset",
      resource: { serviceName: origin.service, sdkLanguage: null, environment: null },
      scope: { name: s.scope ?? "", version: null },
      db:
        s.statement === null
          ? null
          : {
              system: null,
              statement: s.statement,
              operation: null,
              collection: null,
              namespace: null,
              summary: null,
            },
      // endpointOf reads a route without a method as the whole endpoint
      http: isRoot ? { method: null, route: origin.endpoint, path: null, statusCode: null } : null,
      code: null,
      unit: null,
      intent: s.intent ?? null,
      cached: s.cached ?? false,
    };
    recorded.set(span, { key: recordedKey(s), call: s.call });
    return span;
  });
  const keys: SpanKeys = {
    statement: (span) => recorded.get(span)?.key ?? null,
    call: (span) => {
      const r = recorded.get(span);
      if (!r?.key) return null;
      if (r.call === undefined) return callKey(span); // older sample: the span's own checks, on what is left
      return r.call ? r.key : null;
    },
  };
  const complete = sample.some((s) => s.op !== undefined);
  return { spans, keys, complete };
}

/**
 * Every group of repeated calls in a stored sample, with the rule that decides it under `settings` (the server's
 * live thresholds and ignore rules) and the numbers behind it.
 */
export function explainSample(
  sample: readonly SampleSpan[],
  origin: SampleOrigin,
  settings: DetectorSettings,
): SampleExplanation {
  const { spans, keys, complete } = spansOfSample(sample, origin);
  const requests = explain(spans, settings, keys);
  const groups = requests.flatMap((r) => r.groups);
  return { ...origin, spans: sample.length, complete, groups };
}

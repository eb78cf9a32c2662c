import { createHash } from "node:crypto";
import type { CodeLocation, Finding, FindingKind, SampleSpan, SpanRecord } from "@n1radar/core";
import { spanDurationMs } from "@n1radar/core";
import { type Call, callKey, spanStatementKey } from "./calls.js";
import { findSource, firstCall, type Group } from "./groups.js";
import { redactSpanName } from "./redact.js";
import type { DetectorSettings } from "./settings.js";
import type { Request, TraceView } from "./trace-view.js";

/**
 * What every detector hands back for one request, and how it becomes a Finding. Kept apart from the detectors
 * so that all of them report evidence the same way: normalized statements only, a bounded sample of the
 * request's spans, the code location when spans carry `code.*`.
 */
export interface RequestContext {
  view: TraceView;
  request: Request;
  /** The request's service settings (overrides applied). */
  settings: DetectorSettings;
  /** Sorted by start. */
  calls: Call[];
  groups: Group[];
}

/**
 * A detector's finding before its evidence: the finding with no sample spans yet, and the spans of the calls
 * it covers. The sample (up to maxSampleSpans of the request's spans) is built by `withEvidence` only for a
 * finding that is kept and whose evidence is wanted: most requests' findings never become an offender's sample.
 */
export interface Reported {
  finding: Finding;
  /** The calls the finding covers: the sample marks them as repeated, and intent marks are looked up from them. */
  repeated: ReadonlySet<SpanRecord>;
}

/** One detector per file on this base (Sentry-style): it looks at a request's groups and reports. */
export interface Detector {
  name: string;
  detect(ctx: RequestContext): Reported[];
}

export interface Report {
  kind: FindingKind;
  /** The repeated query the finding is about (a chain's deepest level). */
  leaf: Group;
  /** Every group whose calls the finding covers, leaf included (several for a chain). */
  members: readonly Group[];
  sourceStatement: string | null;
  chain: string[];
  wastedMs: number;
}

export function fingerprintOf(canonical: string): string {
  return createHash("sha1").update(canonical).digest("hex").slice(0, 16);
}

/** The first `code.*` location on a repeated call, else on the spans between it and its grouping parent. */
function codeOf(ctx: RequestContext, calls: readonly Call[]): CodeLocation | null {
  for (const call of calls) if (call.span.code) return call.span.code;
  for (const call of calls.slice(0, 5)) {
    for (let p = ctx.view.parent(call.span), d = 0; p && d < 16; p = ctx.view.parent(p), d++) {
      if (p.code) return p.code;
      if (p.spanId === call.parentId) break;
    }
  }
  return null;
}

/**
 * Some instrumentations name a database span after its raw statement (values included): such a name is stored
 * as the normalized statement instead, since sample spans are kept.
 */
function safeName(name: string, statement: string | null, display: string): string {
  if (statement === null || name.length < 12) return name;
  const head = statement.trim().slice(0, 24);
  return head.length >= 12 && name.includes(head) ? display : name;
}

function sampleSpans(ctx: RequestContext, repeated: ReadonlySet<SpanRecord>): SampleSpan[] {
  const { view, request } = ctx;
  const limit = ctx.settings.maxSampleSpans;
  const out: SampleSpan[] = [];
  const queue = [...request.tops].sort((a, b) => a.startMs - b.startMs);
  for (let i = 0; i < queue.length && out.length < limit; i++) {
    const span = queue[i] as SpanRecord;
    const key = spanStatementKey(span);
    const sample: SampleSpan = {
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      // Names are free text: SQL with its literals or URLs with tokens must not reach the store (redact.ts).
      name: redactSpanName(key ? safeName(span.name, span.db?.statement ?? null, key.display) : span.name),
      offsetMs: span.startMs - request.startMs,
      durationMs: spanDurationMs(span),
      statement: key?.display ?? null,
      repeated: repeated.has(span),
    };
    // What explain needs to judge the stored sample again (SampleSpan says why).
    if (key) {
      sample.op = key.op;
      sample.paginated = key.paginated;
      sample.dbKind = key.dbKind;
      sample.call = callKey(span) !== null;
      sample.scope = span.scope.name;
    }
    if (span.status === "error") sample.failed = true;
    if (span.cached) sample.cached = true;
    if (span.intent) sample.intent = span.intent;
    out.push(sample);
    const children = view.childrenOf(span).filter((c) => view.inRequest(c, request));
    queue.push(...children.sort((a, b) => a.startMs - b.startMs));
  }
  return out;
}

/** The finding for one repeated group on its own (not a nested loop), with its source query if one came first. */
export function groupFinding(ctx: RequestContext, kind: FindingKind, group: Group): Reported {
  const source = findSource(group, ctx.groups, ctx.settings.minRepeats);
  return buildFinding(ctx, {
    kind,
    leaf: group,
    members: [group],
    sourceStatement: source?.key.display ?? null,
    chain: [],
    wastedMs: group.wastedMs,
  });
}

export function buildFinding(ctx: RequestContext, report: Report): Reported {
  const { request } = ctx;
  const first = firstCall(report.leaf);
  const repeated = new Set<SpanRecord>();
  for (const group of report.members) for (const call of group.calls) repeated.add(call.span);
  const finding: Finding = {
    kind: report.kind,
    traceId: first.span.traceId,
    service: request.service,
    endpoint: request.endpoint,
    dbSystem: first.span.db?.system ?? null,
    dbKind: first.key.dbKind,
    statement: first.key.display,
    fingerprint: fingerprintOf(first.key.canonical),
    sourceStatement: report.sourceStatement,
    chain: report.chain,
    parallel: report.leaf.parallel,
    repeats: report.leaf.calls.length,
    totalMs: report.leaf.totalMs,
    wastedMs: report.wastedMs,
    seenAtMs: request.startMs,
    environment: first.span.resource.environment,
    scopeName: first.span.scope.name || null,
    sdkLanguage: first.span.resource.sdkLanguage,
    code: codeOf(ctx, report.leaf.calls),
    spans: [],
  };
  return { finding, repeated };
}

/**
 * Fills in the finding's evidence: a bounded sample of its request's spans, its repeated calls marked. The
 * finding was made for this report and nothing else holds it, so it is filled in place: whoever asked about it
 * before (the accumulator, for its offender id) meets the same object again.
 */
export function withEvidence(ctx: RequestContext, reported: Reported): Finding {
  reported.finding.spans = sampleSpans(ctx, reported.repeated);
  return reported.finding;
}

/**
 * Why a loop was or was not reported: every group of repeated database calls in each request of a trace, with
 * the rule that decided it and the numbers behind it, and what would change the answer. The judgement is the
 * detectors' own (the same groups, the same DETECTORS); this file only names their reasons, so `explain` can
 * never disagree with `detect`.
 *
 *   reported             a finding, as detect returns it
 *   nested               an outer level of a reported chain (one chained fix removes it)
 *   below_min_repeats    fewer successful calls than minRepeats (for the request's service)
 *   below_min_wasted_ms  reported by a detector, but its repeats cost less than minWastedMs
 *   ignored              reported by a detector, then dropped by an ignore rule
 *   intended             reported by a detector, but the app marked the loop as meant (n1radar.intended_loop)
 *   pagination           pages of one result (LIMIT/OFFSET or keyset), not a load per row
 *   retries              the same statement again after failed attempts
 *   cached               spans marked as cache hits: no database round trip
 */
import type { GroupExplanation, SpanRecord } from "@n1radar/core";
import { ATTRIBUTE_KEYS, collectCalls, type SpanKeys } from "./calls.js";
import { DETECTORS } from "./detect.js";
import { groupCalls } from "./groups.js";
import { type IgnoreRule, matchesIgnoreRule } from "./ignore.js";
import { intentFor } from "./intent.js";
import type { Reported, RequestContext } from "./report.js";
import { type DetectorSettings, endpointOverrideFor, settingsFor } from "./settings.js";
import { TraceView } from "./trace-view.js";

// A group's verdict and explanation reach the API (GET /api/findings/:id/explain) as they are: core defines them.
export type { GroupExplanation, Verdict } from "@n1radar/core";

export interface RequestExplanation {
  traceId: string;
  service: string;
  endpoint: string;
  /** Repeated groups, reported first, then by calls. */
  groups: GroupExplanation[];
}

const round = (ms: number) => Math.round(ms * 100) / 100;

function ruleText(rule: IgnoreRule): string {
  const parts = Object.entries(rule)
    .filter(([, v]) => typeof v === "string" && v !== "")
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `{ ${parts.join(", ")} }`;
}

/** Verdict for a group a detector turned into `finding` (it is the finding's deepest level). */
function reportedVerdict(
  view: TraceView,
  reported: Reported,
  settings: DetectorSettings,
  /** Where minRepeats came from, e.g. " (endpoint threshold for GET /admin/*)"; empty for the base setting. */
  source = "",
): Omit<GroupExplanation, "statement" | "calls" | "failed" | "parallel" | "wastedMs"> {
  const { finding } = reported;
  const mark = intentFor(view, reported);
  if (mark) {
    const { maxRepeats, reason } = mark.intent;
    return {
      verdict: "intended",
      reason: `marked as intended on span "${mark.span.name}" (n1radar.intended_loop = ${maxRepeats ?? "true"}${reason ? `: ${reason}` : ""})`,
      change:
        maxRepeats === null
          ? "remove the attribute to report it"
          : `reported again past ${maxRepeats} repeats per request`,
    };
  }
  const rule = settings.ignore?.find((r) => matchesIgnoreRule(finding, r));
  if (rule)
    return {
      verdict: "ignored",
      reason: `a ${finding.kind} finding, dropped by the ignore rule ${ruleText(rule)}`,
      change: "remove the ignore rule to report it",
    };
  if (finding.wastedMs < settings.minWastedMs)
    return {
      verdict: "below_min_wasted_ms",
      reason: `a ${finding.kind} finding wasting ${round(finding.wastedMs)} ms, under minWastedMs ${settings.minWastedMs} ms`,
      change: `set minWastedMs (N1_MIN_WASTED_MS) to ${Math.floor(finding.wastedMs)} or less to report it`,
    };
  const chain = finding.chain.length > 1 ? `, nested ${finding.chain.length} levels deep` : "";
  return {
    verdict: "reported",
    reason: `${finding.repeats} calls under one parent >= minRepeats ${settings.minRepeats}${source}${chain}${finding.parallel ? ", concurrent" : ""}: reported as ${finding.kind}`,
    change: `raise minRepeats above ${finding.repeats} for this endpoint (endpointOverrides) or service (serviceOverrides), or add an ignore rule, to stop it`,
  };
}

/** `keys`: how spans are keyed; a stored sample is judged by what was recorded of it (sample-trace.ts). */
export function explain(
  spans: readonly SpanRecord[],
  settings: DetectorSettings,
  keys: SpanKeys = ATTRIBUTE_KEYS,
): RequestExplanation[] {
  const view = new TraceView(spans);
  const out: RequestExplanation[] = [];
  for (const request of view.requests()) {
    const own = settingsFor(settings, request.service, request.endpoint);
    // Where the request's minRepeats comes from, so a reason names the rule that decided it.
    const rule = endpointOverrideFor(settings, request.service, request.endpoint);
    const source =
      rule?.thresholds.minRepeats !== undefined
        ? ` (endpoint threshold for ${rule.endpoint})`
        : settings.serviceOverrides?.[request.service]?.minRepeats !== undefined
          ? ` (service threshold for ${request.service})`
          : "";
    const calls = collectCalls(view, request, keys.call);
    const groups = groupCalls(calls, own);
    const ctx: RequestContext = { view, request, settings: own, calls, groups };
    const reported = DETECTORS.flatMap((d) => d.detect(ctx));
    const byLeaf = new Map(reported.map((r) => [r.finding.statement, r]));
    const inChain = new Set(reported.flatMap((r) => r.finding.chain.slice(0, -1)));
    const explained: GroupExplanation[] = [];
    for (const group of groups) {
      const first = group.calls[0];
      if (!first || group.calls.length + group.failed < 2) continue;
      const base = {
        statement: first.key.display,
        calls: group.calls.length,
        failed: group.failed,
        parallel: group.parallel,
        wastedMs: round(group.wastedMs),
      };
      const leaf = byLeaf.get(first.key.display);
      if (leaf)
        explained.push({
          ...base,
          ...reportedVerdict(view, leaf, { ...own, ignore: settings.ignore }, source),
        });
      else if (inChain.has(first.key.display))
        explained.push({
          ...base,
          verdict: "nested",
          reason:
            "an outer level of a reported nested loop: the chained eager load of that finding removes it",
          change: null,
        });
      else if (first.key.paginated)
        explained.push({
          ...base,
          verdict: "pagination",
          reason: `pages of one result (${/offset/i.test(first.key.display) ? "LIMIT/OFFSET" : "keyset or LIMIT"} shape): reading a long result in pages is not a query per row`,
          change: null,
        });
      else if (group.failed > 0 && group.calls.length <= group.failed + 1)
        explained.push({
          ...base,
          verdict: "retries",
          reason: `${group.failed} failed attempt(s), then the same statement succeeded: retries, not a loop`,
          change: null,
        });
      else if (group.calls.length < own.minRepeats)
        explained.push({
          ...base,
          verdict: "below_min_repeats",
          reason: `${group.calls.length} calls under one parent < minRepeats ${own.minRepeats}${source}${group.failed > 0 ? ` (${group.failed} failed calls not counted)` : ""}`,
          change: `set minRepeats (N1_MIN_REPEATS) to ${Math.max(2, group.calls.length)} to report it`,
        });
      else
        explained.push({
          ...base,
          verdict: "below_min_repeats",
          reason:
            "not a loop any detector reports (a read of the same rows, or a statement the detectors skip)",
          change: null,
        });
    }
    explained.push(...cachedGroups(request.spans, keys));
    explained.sort(
      (a, b) => Number(b.verdict === "reported") - Number(a.verdict === "reported") || b.calls - a.calls,
    );
    const traceId = request.root?.traceId ?? request.spans[0]?.traceId ?? "";
    if (explained.length > 0)
      out.push({ traceId, service: request.service, endpoint: request.endpoint, groups: explained });
  }
  return out;
}

/** Statements answered from a cache twice or more: no database call, so never a finding. */
function cachedGroups(spans: readonly SpanRecord[], keys: SpanKeys): GroupExplanation[] {
  const counts = new Map<string, number>();
  for (const span of spans) {
    if (!span.cached || span.db === null) continue;
    const key = keys.statement(span);
    if (key) counts.set(key.display, (counts.get(key.display) ?? 0) + 1);
  }
  return [...counts]
    .filter(([, n]) => n >= 2)
    .map(([statement, n]) => ({
      statement,
      calls: n,
      failed: 0,
      parallel: false,
      wastedMs: 0,
      verdict: "cached" as const,
      reason: `${n} spans marked as cache hits (cache.hit / db.cache.hit): no database round trip`,
      change: null,
    }));
}

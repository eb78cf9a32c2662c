import type { LoopIntent, SpanRecord } from "@n1radar/core";
import type { Reported } from "./report.js";
import type { TraceView } from "./trace-view.js";

/**
 * The opt-out an application writes where the loop is: `n1radar.intended_loop` on a span around it (the
 * request span, or a span wrapping the loop), set with the OpenTelemetry API the app already uses. A finding is
 * intended when a span on the path from its repeated calls up to its request carries it and allows at least
 * the finding's repeats; past that number the loop is reported again, so the mark cannot hide a loop that grew.
 */
export interface IntentMark {
  span: SpanRecord;
  intent: LoopIntent;
}

/** How many parents a span has in its trace (bounded: a cyclic or very deep tree stops counting). */
function depthOf(view: TraceView, span: SpanRecord): number {
  let depth = 0;
  for (let p = view.parent(span); p && depth < 1_000; p = view.parent(p)) depth++;
  return depth;
}

export function intentFor(view: TraceView, { finding, repeated }: Reported): IntentMark | null {
  // From the outermost repeated call (a nested loop's outer level), earliest first.
  let cur: SpanRecord | undefined;
  let curDepth = Number.POSITIVE_INFINITY;
  for (const span of repeated) {
    const depth = depthOf(view, span);
    if (depth < curDepth || (depth === curDepth && cur && span.startMs < cur.startMs)) {
      cur = span;
      curDepth = depth;
    }
  }
  const request = cur ? view.requestOf(cur) : undefined;
  for (; cur; cur = view.parent(cur)) {
    if (cur.intent && (cur.intent.maxRepeats === null || cur.intent.maxRepeats >= finding.repeats))
      return { span: cur, intent: cur.intent };
    if (cur === request?.root) break;
  }
  return null;
}

import type { Finding, LoopIntent, SpanRecord } from "@n1radar/core";
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

export function intentFor(view: TraceView, finding: Finding): IntentMark | null {
  const repeated = finding.spans.find((s) => s.repeated);
  let cur = repeated ? view.byId.get(repeated.spanId) : undefined;
  const request = cur ? view.requestOf(cur) : undefined;
  for (; cur; cur = view.parent(cur)) {
    if (cur.intent && (cur.intent.maxRepeats === null || cur.intent.maxRepeats >= finding.repeats))
      return { span: cur, intent: cur.intent };
    if (cur === request?.root) break;
  }
  return null;
}

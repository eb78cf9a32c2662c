// "Why was this flagged": the shape of GET /api/findings/:id/explain and how its verdicts are shown.
import type { Explanation as OffenderExplanation, Verdict } from "@n1radar/core";
import { request } from "./api";

export type { OffenderExplanation };

export async function getExplanation(id: string, signal?: AbortSignal): Promise<OffenderExplanation> {
  const body = await request<{ explanation: OffenderExplanation }>(
    "GET",
    `/api/findings/${encodeURIComponent(id)}/explain`,
    undefined,
    signal,
  );
  return body.explanation;
}

/** Short names a reader scans the verdict column by; the API's reason says the rule in full. */
const LABELS: Record<Verdict, string> = {
  reported: "Reported",
  nested: "Outer loop",
  below_min_repeats: "Short loop",
  below_min_wasted_ms: "Too cheap",
  ignored: "Ignored",
  intended: "Intended",
  pagination: "Pagination",
  retries: "Retries",
  cached: "Cached",
};

export function verdictLabel(verdict: Verdict): string {
  return LABELS[verdict] ?? verdict;
}

/** hot: reported as a problem; near: not reported, but a threshold away from it; calm: not a loop per row. */
export function verdictTone(verdict: Verdict): "hot" | "near" | "calm" {
  if (verdict === "reported" || verdict === "nested") return "hot";
  if (verdict === "below_min_repeats" || verdict === "below_min_wasted_ms") return "near";
  return "calm";
}

/** A line under the table: how much of the request the sample covers. */
export function sampleNote(
  e: Pick<OffenderExplanation, "spans" | "maxSampleSpans" | "complete">,
): string | null {
  const notes: string[] = [];
  if (e.spans >= e.maxSampleSpans)
    notes.push(
      `The sample holds ${e.spans} spans, the most kept (N1_MAX_SAMPLE_SPANS): calls later in the request are not in it.`,
    );
  if (!e.complete)
    notes.push(
      "This sample was stored by an older n1radar: retries, cache hits, intended-loop marks and doubly traced calls are not told apart.",
    );
  return notes.length > 0 ? notes.join(" ") : null;
}

/** `n1radar explain`: the decision for every repeated group of calls, per request, as a readable report. */
import type { RequestExplanation, Verdict } from "@n1radar/detector";

const LABEL: Record<Verdict, string> = {
  reported: "REPORTED",
  nested: "NESTED",
  below_min_repeats: "SHORT LOOP",
  below_min_wasted_ms: "TOO CHEAP",
  ignored: "IGNORED",
  intended: "INTENDED",
  pagination: "PAGINATION",
  retries: "RETRIES",
  cached: "CACHED",
};

const flat = (s: string, max: number) => {
  const one = s.replace(/\s+/g, " ");
  return one.length <= max ? one : `${one.slice(0, max - 3)}...`;
};

export interface ExplainFilter {
  traceId?: string;
  endpoint?: string;
}

export function filterExplanations(list: RequestExplanation[], filter: ExplainFilter): RequestExplanation[] {
  return list.filter(
    (r) =>
      (filter.traceId === undefined || r.traceId === filter.traceId.toLowerCase()) &&
      (filter.endpoint === undefined || r.endpoint === filter.endpoint),
  );
}

export function formatExplanations(list: readonly RequestExplanation[], width = 120): string {
  if (list.length === 0) return "n1radar: no request with a repeated database call matched\n";
  const out: string[] = [];
  const indent = " ".repeat(17);
  for (const r of list) {
    out.push(`trace ${r.traceId}  ${r.service}  ${r.endpoint}`);
    for (const g of r.groups) {
      const count = `${g.calls}x`.padStart(4);
      out.push(`  ${LABEL[g.verdict].padEnd(10)} ${count}  ${flat(g.statement, Math.max(30, width - 19))}`);
      out.push(`${indent}${g.reason}`);
      if (g.change) out.push(`${indent}-> ${g.change}`);
    }
    out.push("");
  }
  return `${out.join("\n")}`;
}

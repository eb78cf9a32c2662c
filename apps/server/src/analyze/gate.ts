/**
 * The CI gate's verdict. Without a baseline every finding fails the gate. With one (`--baseline`), an offender
 * the baseline already holds passes unless it got worse: more repeats per request than the baseline recorded,
 * beyond a margin (test data changes a little between runs; a loop over twice the rows is a regression).
 */
import { z } from "zod";
import type { AnalyzedOffender } from "./analyze.js";

export type GateStatus = "new" | "worse" | "known";

export interface GatedFinding {
  finding: AnalyzedOffender;
  status: GateStatus;
  /** Repeats per request the baseline recorded, for "worse" and "known". */
  baselineRepeats: number | null;
}

/** The file `--write-baseline` writes and `--baseline` reads; the types come from it. */
export const baselineSchema = z.object({
  version: z.literal(1),
  offenders: z.array(
    z.object({
      id: z.string().min(1),
      kind: z.string(),
      service: z.string(),
      endpoint: z.string(),
      statement: z.string(),
      repeats: z.number().int().min(1),
    }),
  ),
});

export type Baseline = z.infer<typeof baselineSchema>;

/** Default share of extra repeats per request tolerated before a known offender counts as worse. */
export const DEFAULT_WORSE_MARGIN = 0.5;

export function toBaseline(findings: readonly AnalyzedOffender[]): Baseline {
  return {
    version: 1,
    offenders: findings
      .map((f) => ({
        id: f.id,
        kind: f.kind,
        service: f.service,
        endpoint: f.endpoint,
        statement: f.statement,
        repeats: f.repeats,
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
}

export function gate(
  findings: readonly AnalyzedOffender[],
  baseline: Baseline | null,
  worseMargin = DEFAULT_WORSE_MARGIN,
): GatedFinding[] {
  const known = new Map((baseline?.offenders ?? []).map((o) => [o.id, o]));
  return findings.map((finding) => {
    const entry = known.get(finding.id);
    if (!entry) return { finding, status: "new", baselineRepeats: null };
    const worse = finding.repeats > Math.floor(entry.repeats * (1 + worseMargin));
    return { finding, status: worse ? "worse" : "known", baselineRepeats: entry.repeats };
  });
}

export const failing = (gated: readonly GatedFinding[]) => gated.filter((g) => g.status !== "known");

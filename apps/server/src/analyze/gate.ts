/**
 * The CI gate's verdict. Without a baseline every finding fails the gate. With one (`--baseline`), an offender
 * the baseline already holds passes unless it got worse: more repeats per request than the baseline recorded,
 * beyond a margin (test data changes a little between runs; a loop over twice the rows is a regression). An
 * offender acknowledged in the rules file passes, with who acknowledged it and why, until its expiry date.
 */
import { z } from "zod";
import { type Acknowledgement, acknowledgementFor, isExpired } from "../detector-settings.js";
import type { AnalyzedOffender } from "./analyze.js";

export type GateStatus = "new" | "worse" | "known" | "acknowledged";

export interface GatedFinding {
  finding: AnalyzedOffender;
  status: GateStatus;
  /** Repeats per request the baseline recorded, for "worse" and "known". */
  baselineRepeats: number | null;
  /** The acknowledgement that passes it ("acknowledged"), or the expired one that no longer does. */
  acknowledgement?: Acknowledgement & { expired: boolean };
}

/** Whether the offender passes the gate: known in the baseline and no worse, or acknowledged. */
export const passes = (g: GatedFinding) => g.status === "known" || g.status === "acknowledged";

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
  acknowledgements: readonly Acknowledgement[] = [],
  now = new Date(),
): GatedFinding[] {
  const known = new Map((baseline?.offenders ?? []).map((o) => [o.id, o]));
  return findings.map((finding): GatedFinding => {
    const entry = known.get(finding.id);
    const byBaseline: GatedFinding = !entry
      ? { finding, status: "new", baselineRepeats: null }
      : {
          finding,
          status: finding.repeats > Math.floor(entry.repeats * (1 + worseMargin)) ? "worse" : "known",
          baselineRepeats: entry.repeats,
        };
    const ack = acknowledgementFor(finding, acknowledgements);
    if (!ack) return byBaseline;
    const expired = isExpired(ack, now);
    const acknowledgement = { ...ack, expired };
    return expired
      ? { ...byBaseline, acknowledgement }
      : { ...byBaseline, status: "acknowledged", acknowledgement };
  });
}

export const failing = (gated: readonly GatedFinding[]) => gated.filter((g) => !passes(g));

/** One line per acknowledgement that applied: what passed and on whose word, or what fails again, and why. */
export function acknowledgementNotes(gated: readonly GatedFinding[]): string[] {
  return gated.flatMap((g) => {
    const a = g.acknowledgement;
    if (!a) return [];
    const what = `${g.finding.service} ${g.finding.endpoint}: ${g.finding.statement.slice(0, 100)}`;
    return a.expired
      ? [`acknowledgement by ${a.author} expired on ${a.expires}, fails again: ${what} (${a.reason})`]
      : [`acknowledged by ${a.author}${a.expires ? ` until ${a.expires}` : ""}: ${what} (${a.reason})`];
  });
}

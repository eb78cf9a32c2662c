/**
 * What `npm run demo` says at the end: the demo's findings as n1radar's API returns them, grouped into the kinds
 * of N+1 the demo blog has (many-to-one, one-to-many, nested, count per row, fan-out, write per row), with each
 * one's fix, and whether the fixed endpoints stayed clean. Pure, so the test can check the wording.
 */

/** The fields of an OffenderListItem (GET /api/findings) the summary reads. */
export interface DemoFinding {
  kind: "n_plus_one" | "repeated_write";
  endpoint: string;
  statement: string;
  chain: string[];
  parallel: boolean;
  repeats: number;
  guidance: {
    ormName: string;
    summary: string;
    after: string | null;
    strategy?: string;
    relationship?: { direction: string } | null;
  };
}

export const FIXED_PREFIX = "/fixed/";

/** The kind of N+1 a finding is, in the words the README and the demo's endpoints use. */
export function kindOf(finding: DemoFinding): string {
  if (finding.kind === "repeated_write")
    return /^\s*insert/i.test(finding.statement) ? "insert per row" : "update per row";
  if (finding.chain.length > 0) return "nested (1+N+N²)";
  if (finding.parallel) return "fan-out (Promise.all)";
  if (finding.guidance.strategy === "aggregate") return "count per row";
  const direction = finding.guidance.relationship?.direction;
  if (direction === "one-to-many" || finding.guidance.strategy === "eager-one-to-many") return "one-to-many";
  if (direction === "many-to-one" || finding.guidance.strategy === "eager-many-to-one") return "many-to-one";
  return "query per id";
}

export function isFixedEndpoint(endpoint: string): boolean {
  return endpoint.split(" ").some((part) => part.startsWith(FIXED_PREFIX));
}

export function summarize(findings: DemoFinding[], dashboardUrl: string): string {
  const naive = findings.filter((f) => !isFixedEndpoint(f.endpoint));
  const fixed = findings.filter((f) => isFixedEndpoint(f.endpoint));
  const kinds = new Set(naive.map(kindOf));
  const lines = [
    `n1radar found ${naive.length} N+1 ${naive.length === 1 ? "problem" : "problems"} of ${kinds.size} kinds in the demo:`,
  ];
  const width = Math.max(0, ...naive.map((f) => f.endpoint.length));
  for (const f of [...naive].sort((a, b) => a.endpoint.localeCompare(b.endpoint))) {
    lines.push(`  ${f.endpoint.padEnd(width)}  ${kindOf(f)}, ${f.repeats} queries per request`);
    lines.push(`  ${" ".repeat(width)}  fix (${f.guidance.ormName}): ${f.guidance.summary}`);
  }
  lines.push(
    fixed.length === 0
      ? `The same endpoints fixed (${FIXED_PREFIX}...): no N+1 found.`
      : `The fixed endpoints show ${fixed.length} findings, which they should not: ${fixed.map((f) => f.endpoint).join(", ")}`,
  );
  lines.push(`See each one with its before/after code on the dashboard: ${dashboardUrl}`);
  return lines.join("\n");
}

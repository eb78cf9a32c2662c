/**
 * SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps): one rule per finding kind, one result per
 * offender with the fix in its message, the code location when the spans carried `code.*` attributes (a
 * logical location, the endpoint, otherwise), and the offender id as a partial fingerprint so the platform
 * tracks the same N+1 across runs.
 */
import type { AnalyzedOffender } from "./analyze.js";
import { type GatedFinding, passes } from "./gate.js";
import { repoPath } from "./paths.js";

const RULES = [
  {
    id: "n1radar/n-plus-one",
    kind: "n_plus_one",
    name: "NPlusOneQuery",
    short: "N+1 query: one query per row of an earlier result",
    full: "The same query ran once per item of a loop inside one request, where one query (an eager load, an IN list or a grouped query) would do.",
  },
  {
    id: "n1radar/repeated-write",
    kind: "repeated_write",
    name: "RepeatedWrite",
    short: "One write statement per row",
    full: "The same INSERT, UPDATE or DELETE ran once per item inside one request, where one bulk statement would do.",
  },
] as const;

const HELP_URI = "https://github.com/n1radar/n1radar#fix-guidance";

function message(f: AnalyzedOffender, g: GatedFinding): string {
  const when = g.status === "worse" ? ` (baseline: ${g.baselineRepeats} per request)` : "";
  return [
    `${f.repeats} x \`${f.statement.slice(0, 300)}\` per request on ${f.service} ${f.endpoint}${when}; ${f.traces} trace(s), ${f.wastedMs} ms wasted.`,
    `Fix (${f.guidance.ormName}): ${f.guidance.summary}`,
  ].join(" ");
}

function location(f: AnalyzedOffender, srcRoot: string) {
  const logical = {
    logicalLocations: [{ name: f.endpoint, fullyQualifiedName: `${f.service}/${f.endpoint}` }],
  };
  if (!f.code?.file) return logical;
  return {
    physicalLocation: {
      artifactLocation: { uri: repoPath(f.code.file, srcRoot) },
      region: { startLine: f.code.line && f.code.line > 0 ? f.code.line : 1 },
    },
    ...logical,
  };
}

export function toSarif(gated: readonly GatedFinding[], version: string, srcRoot: string): object {
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "n1radar",
            version,
            informationUri: "https://github.com/n1radar/n1radar",
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.short },
              fullDescription: { text: r.full },
              helpUri: HELP_URI,
              defaultConfiguration: { level: "error" },
              properties: { tags: ["performance", "database"] },
            })),
          },
        },
        results: gated.map((g) => {
          const f = g.finding;
          const ruleIndex = RULES.findIndex((r) => r.kind === f.kind);
          return {
            ruleId: RULES[ruleIndex]?.id ?? RULES[0].id,
            ruleIndex: Math.max(0, ruleIndex),
            level: passes(g) ? "note" : "error",
            // Code scanning shows an acknowledged alert as dismissed, with the reason (SARIF 2.1.0 §3.35).
            ...(g.status === "acknowledged" && g.acknowledgement
              ? {
                  suppressions: [
                    {
                      kind: "external",
                      status: "accepted",
                      justification: `${g.acknowledgement.reason} (${g.acknowledgement.author}${g.acknowledgement.expires ? `, until ${g.acknowledgement.expires}` : ""})`,
                    },
                  ],
                }
              : {}),
            message: { text: message(f, g) },
            locations: [location(f, srcRoot)],
            partialFingerprints: { "n1radarOffender/v1": f.id },
            properties: {
              gate: g.status,
              service: f.service,
              endpoint: f.endpoint,
              statement: f.statement,
              repeats: f.repeats,
              traces: f.traces,
              wastedMs: f.wastedMs,
              orm: f.orm,
              fix: f.guidance.after,
            },
          };
        }),
      },
    ],
  };
}

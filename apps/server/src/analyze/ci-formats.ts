/**
 * The gate's reports for CI systems: GitHub Actions workflow commands (an annotation per offender, on its file
 * and line when the spans carried them) and JUnit XML (one failing test case per offender, for CI systems that
 * show test reports). Span text is untrusted: escaped for each format.
 */
import type { AnalyzedOffender } from "./analyze.js";
import { type GatedFinding, passes } from "./gate.js";
import { repoPath } from "./paths.js";

const KIND = { n_plus_one: "N+1 query", repeated_write: "Repeated write" } as const;

/** Workflow command data: %, CR and LF are escaped; property values also escape : and ,. */
const ghData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const ghProp = (s: string) => ghData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

function headline(f: AnalyzedOffender): string {
  return `${KIND[f.kind]}: ${f.repeats}x per request on ${f.service} ${f.endpoint}`;
}

function details(f: AnalyzedOffender, g: GatedFinding): string {
  const lines = [
    `${f.statement}`,
    `${f.traces} trace(s), ${f.wastedMs} ms wasted${g.status === "worse" ? `; the baseline had ${g.baselineRepeats} per request` : ""}.`,
    `Fix (${f.guidance.ormName}): ${f.guidance.summary}`,
  ];
  const a = g.acknowledgement;
  if (a)
    lines.push(
      a.expired
        ? `Acknowledgement by ${a.author} expired on ${a.expires}: ${a.reason}`
        : `Acknowledged by ${a.author}${a.expires ? ` until ${a.expires}` : ""}: ${a.reason}`,
    );
  if (f.guidance.after) lines.push("", f.guidance.after);
  return lines.join("\n");
}

export function toGithubCommands(gated: readonly GatedFinding[], srcRoot: string): string {
  const out: string[] = [];
  for (const g of gated) {
    const f = g.finding;
    const level = passes(g) ? "notice" : "error";
    const props = [
      ...(f.code?.file ? [`file=${ghProp(repoPath(f.code.file, srcRoot))}`] : []),
      ...(f.code?.file && f.code.line ? [`line=${f.code.line}`] : []),
      `title=${ghProp(`${g.status === "known" ? "Known " : g.status === "acknowledged" ? "Acknowledged " : g.status === "worse" ? "Worse " : ""}${headline(f)}`)}`,
    ];
    out.push(`::${level} ${props.join(",")}::${ghData(details(f, g))}`);
  }
  return out.length > 0 ? `${out.join("\n")}\n` : "";
}

// XML 1.0 forbids most control characters even as references; they are dropped.
const xml = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");

export function toJunit(gated: readonly GatedFinding[], traces: number): string {
  const byService = new Map<string, GatedFinding[]>();
  for (const g of gated) {
    const list = byService.get(g.finding.service) ?? [];
    list.push(g);
    byService.set(g.finding.service, list);
  }
  const failures = gated.filter((g) => !passes(g)).length;
  const suites: string[] = [];
  for (const [service, list] of byService) {
    const cases = list.map((g) => {
      const f = g.finding;
      const name = xml(`${f.endpoint}: ${f.statement.slice(0, 200)}`);
      if (passes(g)) {
        const why =
          g.status === "known" ? "known in the baseline" : `acknowledged: ${g.acknowledgement?.reason}`;
        return `    <testcase classname="${xml(service)}" name="${name}"><skipped message="${xml(why)}"/></testcase>`;
      }
      return `    <testcase classname="${xml(service)}" name="${name}">\n      <failure type="${f.kind}" message="${xml(headline(f))}">${xml(details(f, g))}</failure>\n    </testcase>`;
    });
    const fails = list.filter((g) => !passes(g)).length;
    const skipped = list.length - fails;
    suites.push(
      `  <testsuite name="n1radar ${xml(service)}" tests="${list.length}" failures="${fails}" skipped="${skipped}">\n${cases.join("\n")}\n  </testsuite>`,
    );
  }
  if (suites.length === 0)
    suites.push(
      `  <testsuite name="n1radar" tests="1" failures="0">\n    <testcase classname="n1radar" name="no N+1 queries in ${traces} trace(s)"/>\n  </testsuite>`,
    );
  const tests = Math.max(1, gated.length);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="n1radar" tests="${tests}" failures="${failures}">\n${suites.join("\n")}\n</testsuites>\n`;
}

import { defaultDetectorSettings } from "@n1radar/detector";
import { decodeJsonTraces } from "@n1radar/otlp";
import { describe, expect, it } from "vitest";
import { jsonOf, nPlusOneSpans } from "../testing/payloads.js";
import { type AnalyzedOffender, analyzeSpans } from "./analyze.js";
import { toGithubCommands, toJunit } from "./ci-formats.js";
import { gate } from "./gate.js";

function offender(fields: Partial<AnalyzedOffender> = {}): AnalyzedOffender {
  const spans = decodeJsonTraces(jsonOf(nPlusOneSpans({ route: "/orders", repeats: 8 }))).spans;
  const [found] = analyzeSpans(spans, defaultDetectorSettings).findings;
  if (!found) throw new Error("fixture produced no finding");
  return { ...found, ...fields };
}

describe("GitHub Actions annotations", () => {
  it("puts the annotation on the file and line, relative to the repository", () => {
    const f = offender({ code: { function: "list", file: "/repo/app/views.py", line: 42 } });
    const out = toGithubCommands(gate([f], null), "/repo");
    expect(out).toMatch(
      /^::error file=app\/views\.py,line=42,title=N\+1 query%3A 8x per request on shop GET \/orders::/,
    );
    expect(out.trim().split("\n")).toHaveLength(1);
  });

  it("escapes span text so it cannot end the command or inject another one", () => {
    const f = offender({ endpoint: "GET /a,b:c", statement: "SELECT 1\n::error::pwned %0A" });
    const out = toGithubCommands(gate([f], null), "/repo");
    expect(out.trim().split("\n")).toHaveLength(1);
    expect(out).toContain("title=N+1 query%3A 8x per request on shop GET /a%2Cb%3Ac::");
    expect(out).toContain("SELECT 1%0A::error::pwned %250A");
  });

  it("marks offenders known to the baseline as notices, not errors", () => {
    const f = offender();
    const baseline = { version: 1 as const, offenders: [{ ...f, repeats: 8 }] };
    expect(toGithubCommands(gate([f], baseline), "/repo")).toMatch(/^::notice title=Known N\+1/);
  });
});

describe("JUnit XML", () => {
  it("has one failing case per new offender, with the fix, and escapes hostile text", () => {
    const f = offender({ statement: 'SELECT "<x>" & \u0001 FROM t' });
    const xml = toJunit(gate([f], null), 3);
    expect(xml).toContain('<testsuites name="n1radar" tests="1" failures="1">');
    expect(xml).toContain("SELECT &quot;&lt;x&gt;&quot; &amp;  FROM t");
    expect(xml).not.toContain("\u0001");
    expect(xml).toContain("Fix (");
  });

  it("reports a passing case when nothing was found", () => {
    const xml = toJunit([], 4);
    expect(xml).toContain('failures="0"');
    expect(xml).toContain('name="no N+1 queries in 4 trace(s)"');
  });
});

describe("gate", () => {
  it("fails new offenders, passes known ones within the margin and fails worse ones", () => {
    const f = offender({ repeats: 8 });
    const baseline = { version: 1 as const, offenders: [{ ...f, repeats: 6 }] };
    expect(gate([f], null)[0]?.status).toBe("new");
    expect(gate([f], baseline)[0]?.status).toBe("known"); // 8 <= floor(6 * 1.5)
    expect(gate([{ ...f, repeats: 10 }], baseline)[0]?.status).toBe("worse");
    expect(gate([{ ...f, repeats: 10 }], baseline, 1)[0]?.status).toBe("known");
  });
});

/** Renders the gate's findings in the format asked for, and writes the report, the baseline and saved traces. */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { SpanRecord } from "@n1radar/core";
import { encodeJsonTraces } from "@n1radar/otlp";
import type { Analysis, AnalyzedOffender } from "./analyze.js";
import { toGithubCommands, toJunit } from "./ci-formats.js";
import { formatTable } from "./format.js";
import { type GatedFinding, toBaseline } from "./gate.js";
import { InputError } from "./read-traces.js";
import { toSarif } from "./sarif.js";

export const FORMATS = ["text", "json", "sarif", "github", "junit"] as const;
export type Format = (typeof FORMATS)[number];

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export function render(
  format: Format,
  analysis: Analysis,
  gated: readonly GatedFinding[],
  source: string,
  srcRoot: string,
  columns?: number,
): string {
  switch (format) {
    case "text":
      return formatTable(analysis, source, columns);
    case "json":
      return `${JSON.stringify(
        {
          findings: gated.map((g) => ({
            ...g.finding,
            gate: g.status,
            baselineRepeats: g.baselineRepeats,
            acknowledgement: g.acknowledgement ?? null,
          })),
        },
        null,
        2,
      )}\n`;
    case "sarif":
      return `${JSON.stringify(toSarif(gated, version(), srcRoot), null, 2)}\n`;
    case "github":
      return toGithubCommands(gated, srcRoot);
    case "junit":
      return toJunit(gated, analysis.traces);
  }
}

async function write(path: string, text: string, what: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  } catch (error) {
    throw new InputError(`cannot write ${what} ${path}: ${(error as Error).message}`);
  }
}

export const writeReport = (path: string, text: string) => write(path, text, "report");

export const writeBaseline = (path: string, analysis: Analysis) =>
  write(path, `${JSON.stringify(toBaseline(analysis.findings), null, 2)}\n`, "baseline");

/** The run's spans as OTLP/JSON lines, 1,000 spans a line, which `n1radar analyze` reads back. */
export function saveTraces(path: string, spans: readonly SpanRecord[]): Promise<void> {
  const lines: string[] = [];
  for (let i = 0; i < spans.length; i += 1_000)
    lines.push(JSON.stringify(encodeJsonTraces(spans.slice(i, i + 1_000))));
  return write(path, lines.length > 0 ? `${lines.join("\n")}\n` : "", "traces");
}

/** `n1radar diff` as text: new and worse offenders with their fixes, then the ones that are gone. */
export function formatDiff(
  gated: readonly GatedFinding[],
  gone: readonly AnalyzedOffender[],
  source: string,
): string {
  const added = gated.filter((g) => g.status === "new");
  const worse = gated.filter((g) => g.status === "worse");
  const out = [
    `n1radar diff ${source}: ${added.length} new, ${worse.length} worse, ${gone.length} gone, ${gated.length - added.length - worse.length} unchanged`,
  ];
  const line = (tag: string, f: AnalyzedOffender, extra = "") =>
    `  ${tag.padEnd(6)} ${f.service} ${f.endpoint}  ${f.repeats}x${extra}  ${f.statement.replace(/\s+/g, " ").slice(0, 100)}`;
  for (const g of added) out.push(line("NEW", g.finding), `         fix: ${g.finding.guidance.summary}`);
  for (const g of worse)
    out.push(
      line("WORSE", g.finding, ` (was ${g.baselineRepeats}x)`),
      `         fix: ${g.finding.guidance.summary}`,
    );
  for (const f of gone) out.push(line("GONE", f));
  return `${out.join("\n")}\n`;
}

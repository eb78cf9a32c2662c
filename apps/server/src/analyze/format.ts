/** The human-readable report of `n1radar analyze`: one row per offender, its fix and its id on the lines below. */
import { offenderLabel } from "@n1radar/sql";
import type { Analysis, AnalyzedOffender } from "./analyze.js";

const KIND: Record<AnalyzedOffender["kind"], string> = { n_plus_one: "N+1", repeated_write: "writes" };

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(1, max - 3))}...`;
}

const ms = (v: number) => (v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v).toLocaleString("en-US")} ms`);

function repeatsCell(f: AnalyzedOffender): string {
  const kind = `${KIND[f.kind]}${f.parallel ? " parallel" : ""}`; // nesting is in the query label
  return `${f.repeats}x ${kind}`;
}

export function formatTable(analysis: Analysis, source: string, width = 120): string {
  const { findings } = analysis;
  const head = `n1radar: ${findings.length} finding${findings.length === 1 ? "" : "s"} in ${analysis.traces} trace${analysis.traces === 1 ? "" : "s"} (${analysis.spans} spans) from ${source}`;
  if (findings.length === 0) return `${head}\n`;
  const rows = findings.map((f) => ({
    endpoint: `${f.service} ${f.endpoint}`,
    repeats: repeatsCell(f),
    traces: String(f.traces),
    wasted: ms(f.wastedMs),
    // The SQL cut at a width stops inside the column list; the label says what tells rows apart.
    query: offenderLabel({ statement: f.statement, chain: f.chain, relationship: f.guidance.relationship }),
    fix: f.guidance.summary,
    id: f.id,
  }));
  const col = (key: "endpoint" | "repeats" | "traces" | "wasted", title: string, cap: number) =>
    Math.min(cap, Math.max(title.length, ...rows.map((r) => r[key].length)));
  const w = {
    endpoint: col("endpoint", "ENDPOINT", 40),
    repeats: col("repeats", "REPEATS", 24),
    traces: col("traces", "TRACES", 8),
    wasted: col("wasted", "WASTED", 12),
  };
  const fixed = w.endpoint + w.repeats + w.traces + w.wasted + 8;
  const queryWidth = Math.max(30, width - fixed);
  const line = (e: string, r: string, t: string, x: string, s: string) =>
    `${shorten(e, w.endpoint).padEnd(w.endpoint)}  ${r.padEnd(w.repeats)}  ${t.padStart(w.traces)}  ${x.padStart(w.wasted)}  ${shorten(s, queryWidth)}`.trimEnd();
  const out = [head, "", line("ENDPOINT", "REPEATS", "TRACES", "WASTED", "QUERY")];
  const indent = " ".repeat(w.endpoint + 2);
  for (const r of rows) {
    out.push(line(r.endpoint, r.repeats, r.traces, r.wasted, r.query));
    out.push(`${indent}fix: ${shorten(r.fix, Math.max(30, width - indent.length - 5))}`);
    // The stable id is what a baseline records and an acknowledgement in the rules file can name.
    out.push(`${indent}id:  ${r.id}`);
  }
  return `${out.join("\n")}\n`;
}

// Lays out a sample trace's spans as waterfall rows: parents before children, siblings by start time.
import { statementLabel } from "@n1radar/sql";
import type { SampleSpan } from "./types";

/**
 * A row's name: a database span by what it reads or writes (`SELECT users WHERE id = ?`), since
 * instrumentations name them all alike ("Sequelize SELECT", "SELECT", "postgresql"); other spans by name.
 */
export function rowName(span: Pick<SampleSpan, "name" | "statement">): string {
  return span.statement ? statementLabel(span.statement) : span.name;
}

export interface WaterfallRow {
  span: SampleSpan;
  /** Nesting level below the request span (0 for roots). */
  depth: number;
  /** Bar position and size as percentages of the trace's duration. */
  leftPct: number;
  widthPct: number;
}

export interface WaterfallLayout {
  rows: WaterfallRow[];
  totalMs: number;
  /** Axis marks in ms, starting at 0, at a round step. */
  ticks: number[];
}

export function layoutWaterfall(spans: readonly SampleSpan[]): WaterfallLayout {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, SampleSpan[]>();
  for (const span of spans) {
    // Spans whose parent was not sampled are shown as roots.
    const parent = span.parentSpanId !== null && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.offsetMs - b.offsetMs);

  const totalMs = Math.max(0, ...spans.map((s) => s.offsetMs + s.durationMs)) || 1;
  const rows: WaterfallRow[] = [];
  const seen = new Set<string>();
  // Iterative depth-first walk: traces can be deep, and a malformed parent cycle must not loop forever.
  const stack: { span: SampleSpan; depth: number }[] = (children.get(null) ?? [])
    .map((span) => ({ span, depth: 0 }))
    .reverse();
  while (stack.length > 0) {
    const { span, depth } = stack.pop() as { span: SampleSpan; depth: number };
    if (seen.has(span.spanId)) continue;
    seen.add(span.spanId);
    rows.push({ span, depth, ...bar(span, totalMs) });
    const kids = children.get(span.spanId) ?? [];
    for (let k = kids.length - 1; k >= 0; k--) stack.push({ span: kids[k] as SampleSpan, depth: depth + 1 });
  }
  // Spans only reachable through a cycle are still shown, flat, at the end.
  for (const span of spans) if (!seen.has(span.spanId)) rows.push({ span, depth: 0, ...bar(span, totalMs) });
  return { rows, totalMs, ticks: axisTicks(totalMs) };
}

function bar(span: SampleSpan, totalMs: number): { leftPct: number; widthPct: number } {
  const leftPct = clamp((span.offsetMs / totalMs) * 100);
  return { leftPct, widthPct: Math.min(clamp((span.durationMs / totalMs) * 100), 100 - leftPct) };
}

function clamp(pct: number): number {
  return Number.isFinite(pct) ? Math.min(100, Math.max(0, pct)) : 0;
}

/** 0 and multiples of a 1/2/2.5/5 step, about five intervals across. */
export function axisTicks(totalMs: number, target = 5): number[] {
  if (!(totalMs > 0)) return [0];
  const rough = totalMs / target;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let t = 0; t <= totalMs + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

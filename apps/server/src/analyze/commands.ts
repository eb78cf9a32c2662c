/** The commands behind `n1radar`: analyze, ci, explain and diff share reading, judging and reporting. */

import type { SpanRecord } from "@n1radar/core";
import { explain } from "@n1radar/detector";
import { analyzeSpans } from "./analyze.js";
import { runUnderCapture } from "./ci.js";
import { filterExplanations, formatExplanations } from "./explain-format.js";
import { acknowledgementNotes, DEFAULT_WORSE_MARGIN, failing, gate, toBaseline } from "./gate.js";
import { loadBaseline, loadRules, loadSettings, number, UsageError, type Values } from "./options.js";
import { readTraceFile } from "./read-traces.js";
import {
  FORMATS,
  type Format,
  formatDiff,
  render,
  saveTraces,
  writeBaseline,
  writeReport,
} from "./report.js";
import type { Io } from "./run.js";

function formatOf(values: Values): Format {
  const format = (values.format as string | undefined) ?? (values.json ? "json" : "text");
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format expects one of ${FORMATS.join(", ")}, got ${JSON.stringify(format)}`);
  return format as Format;
}

/** Judges the spans, writes every output asked for, and returns whether the gate failed. */
async function judge(spans: SpanRecord[], source: string, values: Values, io: Io): Promise<boolean> {
  const { settings, acknowledgements } = await loadRules(values);
  const baseline = await loadBaseline(values.baseline as string | undefined);
  const margin = number("--worse-margin", values["worse-margin"], 0, false) ?? DEFAULT_WORSE_MARGIN;
  const format = formatOf(values);
  const analysis = analyzeSpans(spans, settings);
  const gated = gate(analysis.findings, baseline, margin, acknowledgements);
  const srcRoot = io.cwd ?? process.cwd();
  const output = values.output as string | undefined;
  const report = render(format, analysis, gated, source, srcRoot, io.columns);
  if (output === undefined) io.stdout(report);
  else {
    await writeReport(output, report);
    if (format !== "text") io.stdout(render("text", analysis, gated, source, srcRoot, io.columns));
  }
  if (values["write-baseline"] !== undefined)
    await writeBaseline(values["write-baseline"] as string, analysis);
  for (const note of acknowledgementNotes(gated)) io.stderr(`n1radar: ${note}\n`);
  const failed = failing(gated);
  if (baseline !== null)
    io.stderr(`n1radar: ${failed.length} of ${gated.length} offender(s) new or worse than the baseline\n`);
  return failed.length > 0;
}

async function readFiles(files: string[], io: Io): Promise<SpanRecord[]> {
  if (files.length === 0) throw new UsageError("missing <file>");
  const spans: SpanRecord[] = [];
  for (const file of files) {
    const traces = await readTraceFile(file);
    for (const span of traces.spans) spans.push(span);
    if (traces.rejected > 0)
      io.stderr(
        `n1radar: ${traces.rejected} malformed span(s) skipped in ${file}, e.g. ${traces.errors[0] ?? ""}\n`,
      );
  }
  return spans;
}

export async function analyzeCommand(files: string[], values: Values, io: Io): Promise<number> {
  if (values.save !== undefined) throw new UsageError("--save is for ci: analyze reads saved traces");
  const spans = await readFiles(files, io);
  const failed = await judge(spans, files.join(", "), values, io);
  return values["fail-on-findings"] && failed ? 1 : 0;
}

export async function ciCommand(command: string[], values: Values, io: Io): Promise<number> {
  if (command.length === 0) throw new UsageError("missing the test command after --");
  formatOf(values); // a bad --format should stop us before the test suite runs, not after
  const drainMs = number("--drain-ms", values["drain-ms"], 0, true) ?? 1_000;
  const run = await runUnderCapture(command, {
    drainMs,
    stdio: io.commandStdio ?? "inherit",
    onOutput: io.stdout,
  });
  if (values.save !== undefined) await saveTraces(values.save as string, run.spans);
  io.stderr(`n1radar: the test command exited with ${run.exitCode}; ${run.spans.length} span(s) received\n`);
  if (run.spans.length === 0)
    io.stderr(
      "n1radar: no spans arrived. Does the app's OpenTelemetry SDK start in tests and read OTEL_EXPORTER_OTLP_ENDPOINT?\n",
    );
  const failed = await judge(run.spans, command.join(" "), values, io);
  if (run.exitCode !== 0) return run.exitCode;
  return failed && !values["report-only"] ? 1 : 0;
}

export async function explainCommand(files: string[], values: Values, io: Io): Promise<number> {
  const spans = await readFiles(files, io);
  const list = filterExplanations(explain(spans, await loadSettings(values)), {
    traceId: values.trace as string | undefined,
    endpoint: values.endpoint as string | undefined,
  });
  io.stdout(
    values.json || values.format === "json"
      ? `${JSON.stringify({ requests: list }, null, 2)}\n`
      : formatExplanations(list, io.columns),
  );
  return 0;
}

/**
 * `diff before after`: the offenders of `after` judged against `before` as a baseline (new, worse, known), and
 * those of `before` that are gone. Exits 1 when anything is new or worse, for a pull request's check.
 */
export async function diffCommand(files: string[], values: Values, io: Io): Promise<number> {
  if (files.length !== 2) throw new UsageError("diff takes two trace files: <before> <after>");
  const [beforeFile, afterFile] = files as [string, string];
  const settings = await loadSettings(values);
  const margin = number("--worse-margin", values["worse-margin"], 0, false) ?? DEFAULT_WORSE_MARGIN;
  const format = formatOf(values);
  const before = analyzeSpans(await readFiles([beforeFile], io), settings);
  const after = analyzeSpans(await readFiles([afterFile], io), settings);
  const gated = gate(after.findings, toBaseline(before.findings), margin);
  const afterIds = new Set(after.findings.map((f) => f.id));
  const gone = before.findings.filter((f) => !afterIds.has(f.id));
  const srcRoot = io.cwd ?? process.cwd();
  const report =
    format === "text"
      ? formatDiff(gated, gone, `${beforeFile} -> ${afterFile}`)
      : format === "json"
        ? `${JSON.stringify(
            {
              new: gated.filter((g) => g.status === "new").map((g) => g.finding),
              worse: gated
                .filter((g) => g.status === "worse")
                .map((g) => ({ ...g.finding, baselineRepeats: g.baselineRepeats })),
              known: gated.filter((g) => g.status === "known").map((g) => g.finding),
              gone,
            },
            null,
            2,
          )}\n`
        : render(format, after, gated, afterFile, srcRoot, io.columns);
  const output = values.output as string | undefined;
  if (output === undefined) io.stdout(report);
  else {
    await writeReport(output, report);
    if (format !== "text") io.stdout(formatDiff(gated, gone, `${beforeFile} -> ${afterFile}`));
  }
  return failing(gated).length > 0 ? 1 : 0;
}

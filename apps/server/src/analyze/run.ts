/**
 * The `n1radar` command: `analyze <files...>` judges saved OTLP/JSON traces, `ci -- <command>` judges the traces
 * a test command sends while it runs. Both share thresholds, formats and the baseline. Exit codes: 0 passed,
 * 1 the gate failed (for ci also the test command's own failure code), 2 usage or input error. Errors are one
 * readable message on stderr, never a stack trace.
 */
import { parseArgs } from "node:util";
import type { SpanRecord } from "@n1radar/core";
import { explain } from "@n1radar/detector";
import { analyzeSpans } from "./analyze.js";
import { runUnderCapture } from "./ci.js";
import { filterExplanations, formatExplanations } from "./explain-format.js";
import { DEFAULT_WORSE_MARGIN, failing, gate } from "./gate.js";
import { loadBaseline, loadSettings, number, UsageError, type Values } from "./options.js";
import { InputError, readTraceFile } from "./read-traces.js";
import { FORMATS, type Format, render, saveTraces, writeBaseline, writeReport } from "./report.js";

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Terminal width for the table. */
  columns?: number;
  /** The directory code paths are made relative to (the repository root); defaults to the process's. */
  cwd?: string;
  /** ci: where the test command's output goes (tests capture it). */
  commandStdio?: "inherit" | "pipe";
}

export const USAGE = `Usage: n1radar analyze <file...> [options]
       n1radar ci [options] -- <test command> [args...]
       n1radar explain <file...> [--trace ID] [--endpoint E] [--json]

analyze  finds N+1 queries in OpenTelemetry traces saved as OTLP/JSON: an ExportTraceServiceRequest, an array of
         them, or the JSON lines the OpenTelemetry Collector's file exporter writes (gzip accepted).
ci       runs the test command with OTEL_EXPORTER_OTLP_ENDPOINT pointed at a receiver of its own (OTLP over
         HTTP protobuf, HTTP JSON and gRPC on one port), then judges every trace the run sent. It exits with the
         command's failure, or when the command passed, 1 if the gate fails and 0 if it passes.
explain  lists every group of repeated database calls in each request, with the rule that decided it (reported,
         below the minimum repeats, pagination, retries, cached, ignored by a rule) and what would change it.

Options:
  --format F           text (default), json, sarif (SARIF 2.1.0), github (Actions annotations), junit (XML)
  --output FILE        write the report there (and the text table to stdout)
  --json               same as --format json
  --min-repeats N      repeats of one query that make an N+1 (default 5)
  --min-wasted-ms N    ignore loops whose repeats cost less than N ms beyond one query (default 0)
  --config FILE        JSON detector settings: thresholds, "serviceOverrides", "ignore" rules
  --baseline FILE      only offenders not in the baseline, or worse than it, fail the gate
  --worse-margin R     extra repeats per request a known offender may show, as a share (default ${DEFAULT_WORSE_MARGIN})
  --write-baseline F   record today's offenders as the baseline
  --fail-on-findings   analyze: exit with status 1 when the gate fails (ci always does)
  --save FILE          ci: keep the run's traces as OTLP/JSON lines, for analyze later
  --report-only        ci: report findings but exit with the command's own status
  --drain-ms N         ci: quiet time after the command exits before judging (default 1000)
  --trace ID           explain: only this trace
  --endpoint E         explain: only requests to this endpoint, e.g. "GET /posts"
  -h, --help           show this help
`;

const OPTIONS = {
  json: { type: "boolean" },
  format: { type: "string" },
  output: { type: "string" },
  "fail-on-findings": { type: "boolean" },
  "min-repeats": { type: "string" },
  "min-wasted-ms": { type: "string" },
  config: { type: "string" },
  baseline: { type: "string" },
  "worse-margin": { type: "string" },
  "write-baseline": { type: "string" },
  save: { type: "string" },
  "report-only": { type: "boolean" },
  "drain-ms": { type: "string" },
  trace: { type: "string" },
  endpoint: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function formatOf(values: Values): Format {
  const format = (values.format as string | undefined) ?? (values.json ? "json" : "text");
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format expects one of ${FORMATS.join(", ")}, got ${JSON.stringify(format)}`);
  return format as Format;
}

/** Judges the spans, writes every output asked for, and returns whether the gate failed. */
async function judge(spans: SpanRecord[], source: string, values: Values, io: Io): Promise<boolean> {
  const settings = await loadSettings(values);
  const baseline = await loadBaseline(values.baseline as string | undefined);
  const margin = number("--worse-margin", values["worse-margin"], 0, false) ?? DEFAULT_WORSE_MARGIN;
  const format = formatOf(values);
  const analysis = analyzeSpans(spans, settings);
  const gated = gate(analysis.findings, baseline, margin);
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

async function analyzeCommand(files: string[], values: Values, io: Io): Promise<number> {
  if (values.save !== undefined) throw new UsageError("--save is for ci: analyze reads saved traces");
  const spans = await readFiles(files, io);
  const failed = await judge(spans, files.join(", "), values, io);
  return values["fail-on-findings"] && failed ? 1 : 0;
}

async function ciCommand(command: string[], values: Values, io: Io): Promise<number> {
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

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  try {
    const dashDash = argv.indexOf("--");
    const own = dashDash < 0 ? [...argv] : argv.slice(0, dashDash);
    const command = dashDash < 0 ? [] : argv.slice(dashDash + 1);
    const { values, positionals } = parseArgs({ args: own, allowPositionals: true, options: OPTIONS });
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    const [name, ...rest] = positionals;
    if (name === "analyze") {
      if (dashDash >= 0) throw new UsageError("-- and a command are for ci");
      return await analyzeCommand(rest, values, io);
    }
    if (name === "explain") {
      const spans = await readFiles(rest, io);
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
    if (name === "ci") {
      if (rest.length > 0)
        throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])} (put the command after --)`);
      return await ciCommand(command, values, io);
    }
    throw new UsageError(name ? `unknown command ${JSON.stringify(name)}` : "missing command");
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`n1radar: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof InputError) {
      io.stderr(`n1radar: ${error.message}\n`);
      return 2;
    }
    // parseArgs reports unknown or malformed options with a code; anything else is a bug worth its message.
    const code = (error as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      io.stderr(`n1radar: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (code === "ENOENT" && (error as { syscall?: string }).syscall?.startsWith("spawn")) {
      io.stderr(`n1radar: cannot run the test command: ${(error as Error).message}\n`);
      return 127;
    }
    io.stderr(`n1radar: internal error: ${(error as Error).message}\n`);
    return 2;
  }
}

/**
 * `n1radar analyze <file> [--json] [--fail-on-findings] [--min-repeats N] [--min-wasted-ms N] [--config F]`.
 * Exit codes: 0 no findings (or not asked to fail), 1 findings with --fail-on-findings, 2 usage or input
 * error. Errors are one readable message on stderr, never a stack trace.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { DetectorSettings } from "@n1radar/detector";
import { describeIssues, detectorFileSchema, detectorSettings } from "../detector-settings.js";
import { analyzeSpans } from "./analyze.js";
import { formatTable } from "./format.js";
import { InputError, readTraceFile } from "./read-traces.js";

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Terminal width for the table. */
  columns?: number;
}

export const USAGE = `Usage: n1radar analyze <file> [options]

Finds N+1 queries in OpenTelemetry traces saved as OTLP/JSON: one ExportTraceServiceRequest, an array of them,
or the JSON lines the OpenTelemetry Collector's file exporter writes (gzip accepted).

Options:
  --json               print { "findings": [...] } instead of a table
  --fail-on-findings   exit with status 1 when anything is found (gate CI on your integration tests' traces)
  --min-repeats N      repeats of one query that make an N+1 (default 5)
  --min-wasted-ms N    ignore loops whose repeats cost less than N ms beyond one query (default 0)
  --config FILE        JSON detector settings: thresholds, "serviceOverrides", "ignore" rules
  -h, --help           show this help
`;

class UsageError extends Error {}

function number(flag: string, value: string | undefined, min: number, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
    throw new UsageError(
      `${flag} expects ${integer ? "an integer" : "a number"} >= ${min}, got ${JSON.stringify(value)}`,
    );
  return n;
}

async function loadSettings(values: Record<string, string | boolean | undefined>): Promise<DetectorSettings> {
  let file = {};
  const path = values.config as string | undefined;
  if (path !== undefined) {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      throw new InputError(`cannot read config ${path}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InputError(`config ${path} is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = detectorFileSchema.safeParse(json);
    if (!parsed.success) throw new InputError(`config ${path} is invalid:\n${describeIssues(parsed.error)}`);
    file = parsed.data;
  }
  const { serviceOverrides, ignore, ...thresholds } = file as ReturnType<typeof detectorFileSchema.parse>;
  return detectorSettings(
    {
      ...thresholds,
      minRepeats:
        number("--min-repeats", values["min-repeats"] as string | undefined, 2, true) ??
        thresholds.minRepeats,
      minWastedMs:
        number("--min-wasted-ms", values["min-wasted-ms"] as string | undefined, 0, false) ??
        thresholds.minWastedMs,
    },
    serviceOverrides,
    ignore,
  );
}

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        "fail-on-findings": { type: "boolean" },
        "min-repeats": { type: "string" },
        "min-wasted-ms": { type: "string" },
        config: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    const [command, file, ...extra] = positionals;
    if (command !== "analyze")
      throw new UsageError(command ? `unknown command ${JSON.stringify(command)}` : "missing command");
    if (file === undefined) throw new UsageError("missing <file>");
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const settings = await loadSettings(values);
    const traces = await readTraceFile(file);
    const analysis = analyzeSpans(traces.spans, settings);
    if (values.json) io.stdout(`${JSON.stringify({ findings: analysis.findings }, null, 2)}\n`);
    else io.stdout(formatTable(analysis, file, io.columns));
    if (traces.rejected > 0)
      io.stderr(`n1radar: ${traces.rejected} malformed span(s) skipped, e.g. ${traces.errors[0] ?? ""}\n`);
    return values["fail-on-findings"] && analysis.findings.length > 0 ? 1 : 0;
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
    io.stderr(`n1radar: internal error: ${(error as Error).message}\n`);
    return 2;
  }
}

/**
 * The `n1radar` command: `analyze <files...>` judges saved OTLP/JSON traces, `ci -- <command>` judges the traces
 * a test command sends while it runs, `explain` says why each loop was or was not reported, `diff` compares two
 * runs. They share thresholds, formats and the baseline (commands.ts). Exit codes: 0 passed,
 * 1 the gate failed (for ci also the test command's own failure code), 2 usage or input error. Errors are one
 * readable message on stderr, never a stack trace.
 */
import { parseArgs } from "node:util";
import { defaultDetectorSettings } from "@n1radar/detector";
import { analyzeCommand, ciCommand, diffCommand, explainCommand } from "./commands.js";
import { DEFAULT_WORSE_MARGIN } from "./gate.js";
import { UsageError } from "./options.js";
import { InputError } from "./read-traces.js";

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
       n1radar diff <before> <after> [options]

analyze  finds N+1 queries in OpenTelemetry traces saved as OTLP/JSON: an ExportTraceServiceRequest, an array of
         them, or the JSON lines the OpenTelemetry Collector's file exporter writes (gzip accepted).
ci       runs the test command with OTEL_EXPORTER_OTLP_ENDPOINT pointed at a receiver of its own (OTLP over
         HTTP protobuf, HTTP JSON and gRPC on one port), then judges every trace the run sent. It exits with the
         command's failure, or when the command passed, 1 if the gate fails and 0 if it passes.
explain  lists every group of repeated database calls in each request, with the rule that decided it (reported,
         below the minimum repeats, pagination, retries, cached, ignored by a rule) and what would change it.
diff     compares two saved runs (ci --save): new, worse and gone offenders; exits 1 when any is new or worse.

Options:
  --format F           text (default), json, sarif (SARIF 2.1.0), github (Actions annotations), junit (XML)
  --output FILE        write the report there (and the text table to stdout)
  --json               same as --format json
  --min-repeats N      repeats of one query that make an N+1 (default ${defaultDetectorSettings.minRepeats})
  --min-wasted-ms N    ignore loops whose repeats cost less than N ms beyond one query (default ${defaultDetectorSettings.minWastedMs})
  --config FILE        the rules file (as N1_RULES_FILE): thresholds, "serviceOverrides",
                       "endpointOverrides", "ignore" rules
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

export const OPTIONS = {
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
    if (name === "explain") return await explainCommand(rest, values, io);
    if (name === "diff") return await diffCommand(rest, values, io);
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

/**
 * `n1radar ci -- <command>`: runs a test command with its OpenTelemetry SDK pointed at an in-process receiver,
 * then judges every trace the run sent with the same detector as the server. The command's own failure wins;
 * when it passed, the gate's verdict decides the exit code.
 */
import { spawn } from "node:child_process";
import type { SpanRecord } from "@n1radar/core";
import { type Capture, startCapture } from "./capture.js";

export interface CiRun {
  spans: SpanRecord[];
  /** The command's exit code, or 128 + the signal number when a signal ended it (as shells report it). */
  exitCode: number;
  requests: number;
}

export interface CiOptions {
  /** Quiet time after the command ends before judging, for exports still in flight (ms). */
  drainMs: number;
  /** Where the command's output goes; the gate's own report is written after it. */
  stdio: "inherit" | "pipe";
  onOutput?: (chunk: string) => void;
  env?: NodeJS.ProcessEnv;
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

/**
 * The command's environment: the standard variables every OpenTelemetry SDK reads, pointed at the capture.
 * Signal-specific endpoints would win over the generic one, so they are removed; the sampler is forced to keep
 * every trace (a gate that samples misses loops) and the batch delay shortened so spans leave before exit. The
 * protocol is the user's when set; else http/protobuf, the specification's default and the exporter every SDK
 * ships (Python's distro defaults to gRPC, whose exporter is a separate package many apps do not install).
 */
export function ciEnvironment(base: NodeJS.ProcessEnv, endpoint: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  delete env.OTEL_SDK_DISABLED;
  env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
  env.OTEL_TRACES_EXPORTER = "otlp";
  env.OTEL_TRACES_SAMPLER = "always_on";
  env.OTEL_BSP_SCHEDULE_DELAY ??= "200";
  if (!env.OTEL_EXPORTER_OTLP_PROTOCOL && !env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL)
    env.OTEL_EXPORTER_OTLP_PROTOCOL = "http/protobuf";
  return env;
}

async function waitForQuiet(capture: Capture, drainMs: number): Promise<void> {
  const deadline = Date.now() + Math.max(drainMs * 10, 5_000);
  for (;;) {
    const quietFor = Date.now() - capture.lastRequestAt;
    if ((quietFor >= drainMs && capture.openConnections() === 0) || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, Math.min(50, drainMs)));
  }
}

export async function runUnderCapture(command: readonly string[], options: CiOptions): Promise<CiRun> {
  const capture = await startCapture();
  try {
    const [file, ...args] = command as [string, ...string[]];
    const child = spawn(file, args, {
      env: ciEnvironment(options.env ?? process.env, capture.endpoint),
      stdio: options.stdio === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    if (options.stdio === "pipe") {
      child.stdout?.setEncoding("utf8").on("data", (c: string) => options.onOutput?.(c));
      child.stderr?.setEncoding("utf8").on("data", (c: string) => options.onOutput?.(c));
    }
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code, signal) => resolve(code ?? 128 + (SIGNALS[signal ?? ""] ?? 1)));
    });
    await waitForQuiet(capture, options.drainMs);
    await capture.close();
    return { spans: capture.spans, exitCode, requests: capture.requests };
  } catch (error) {
    await capture.close();
    throw error;
  }
}

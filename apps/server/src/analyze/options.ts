/** Options `n1radar analyze` and `n1radar ci` share: thresholds, the detector file, the baseline. */
import { readFile } from "node:fs/promises";
import type { DetectorSettings } from "@n1radar/detector";
import type { z } from "zod";
import {
  type Acknowledgement,
  describeIssues,
  detectorFileSchema,
  detectorSettings,
} from "../detector-settings.js";
import { type Baseline, baselineSchema } from "./gate.js";
import { InputError } from "./read-traces.js";

export class UsageError extends Error {}

export type Values = Record<string, string | boolean | undefined>;

export function number(flag: string, value: unknown, min: number, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (
    typeof value !== "string" ||
    value.trim() === "" ||
    !Number.isFinite(n) ||
    n < min ||
    (integer && !Number.isInteger(n))
  )
    throw new UsageError(
      `${flag} expects ${integer ? "an integer" : "a number"} >= ${min}, got ${JSON.stringify(value)}`,
    );
  return n;
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new InputError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The rules file (--config) as the gate uses it: the detector's settings and the acknowledgements. */
export async function loadRules(
  values: Values,
): Promise<{ settings: DetectorSettings; acknowledgements: Acknowledgement[] }> {
  let file = {};
  const path = values.config as string | undefined;
  if (path !== undefined) {
    const parsed = detectorFileSchema.safeParse(await readJson(path, "config"));
    if (!parsed.success) throw new InputError(`config ${path} is invalid:\n${describeIssues(parsed.error)}`);
    file = parsed.data;
  }
  const { serviceOverrides, endpointOverrides, ignore, acknowledgements, ...thresholds } = file as z.infer<
    typeof detectorFileSchema
  >;
  const settings = detectorSettings(
    {
      ...thresholds,
      minRepeats: number("--min-repeats", values["min-repeats"], 2, true) ?? thresholds.minRepeats,
      minWastedMs: number("--min-wasted-ms", values["min-wasted-ms"], 0, false) ?? thresholds.minWastedMs,
    },
    serviceOverrides,
    ignore,
    endpointOverrides,
  );
  return { settings, acknowledgements: acknowledgements ?? [] };
}

export async function loadSettings(values: Values): Promise<DetectorSettings> {
  return (await loadRules(values)).settings;
}

export async function loadBaseline(path: string | undefined): Promise<Baseline | null> {
  if (path === undefined) return null;
  const parsed = baselineSchema.safeParse(await readJson(path, "baseline"));
  if (!parsed.success)
    throw new InputError(
      `baseline ${path} is invalid (write one with --write-baseline):\n${describeIssues(parsed.error)}`,
    );
  return parsed.data;
}

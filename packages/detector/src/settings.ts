import type { IgnoreRule } from "./ignore.js";

/**
 * Every threshold the detectors use, each with its default. The server maps environment variables onto these;
 * `n1radar analyze` maps flags. Nothing in the detector reads a number that is not named here.
 */
export interface Thresholds {
  /**
   * Calls of one statement under one parent that make an N+1 (default 5, like Sentry: 2-4 repeats are often
   * deliberate, and a loop over real data soon passes 5).
   */
  minRepeats: number;
  /**
   * Findings whose repeats cost less than this beyond one query are dropped (ms; default 0). Zero because
   * timings in CI and on laptops are tiny while the same loop in production is not: ranking by time wasted
   * puts cheap loops last instead of hiding them. Raise it to silence fast loops.
   */
  minWastedMs: number;
  /**
   * Calls the outer loop of a nested pattern needs (default 2): the outer level of posts -> comments ->
   * authors may run fewer times than `minRepeats` while the inner level multiplies past it.
   */
  minOuterRepeats: number;
  /**
   * Share of the repeats' time that must overlap other repeats (1 - wall clock / summed durations) for a
   * group to count as concurrent fan-out (Promise.all, asyncio.gather) rather than a sequential loop
   * (0..1, default 0.5: half the work ran alongside other repeats).
   */
  parallelRatio: number;
  /** Spans kept as evidence per finding (default 200). */
  maxSampleSpans: number;
}

export interface DetectorSettings extends Thresholds {
  /** Thresholds per service name, over the ones above (e.g. a batch service allowed more repeats). */
  serviceOverrides?: Readonly<Record<string, Partial<Thresholds>>>;
  /** Loops a team means to keep; a finding matching any rule is dropped. */
  ignore?: readonly IgnoreRule[];
}

export const defaultDetectorSettings: DetectorSettings = {
  minRepeats: 5,
  minWastedMs: 0,
  minOuterRepeats: 2,
  parallelRatio: 0.5,
  maxSampleSpans: 200,
};

const merged = new WeakMap<DetectorSettings, Map<string, DetectorSettings>>();

/** The settings that apply to one service: its overrides over the base. Memoized per settings object. */
export function settingsFor(settings: DetectorSettings, service: string): DetectorSettings {
  const override = settings.serviceOverrides?.[service];
  if (!override) return settings;
  let byService = merged.get(settings);
  if (!byService) {
    byService = new Map();
    merged.set(settings, byService);
  }
  let out = byService.get(service);
  if (!out) {
    // Undefined entries (from a partial JSON object) must not erase a base threshold.
    const defined = Object.fromEntries(Object.entries(override).filter(([, v]) => v !== undefined));
    out = { ...settings, ...defined };
    byService.set(service, out);
  }
  return out;
}

import { globMatches, type IgnoreRule } from "./ignore.js";

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

/**
 * Thresholds for the requests of some endpoints (`GET /admin/*` may loop 50 times, `GET /posts` may not), over a
 * service's: `endpoint` and `service` (optional: any) are exact or globs with `*`.
 */
export interface EndpointOverride {
  service?: string | null;
  endpoint: string;
  thresholds: Partial<Thresholds>;
}

export interface DetectorSettings extends Thresholds {
  /** Thresholds per service name, over the ones above (e.g. a batch service allowed more repeats). */
  serviceOverrides?: Readonly<Record<string, Partial<Thresholds>>>;
  /**
   * Thresholds per endpoint, over the service's. When several match a request, the most specific wins: the
   * one whose patterns spell out the most characters (`GET /admin/users` over `GET /admin/*` over `*`); on a
   * tie, the later one in the list.
   */
  endpointOverrides?: readonly EndpointOverride[];
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

const definedOnly = (o: Partial<Thresholds>): Partial<Thresholds> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** How much of a value an override's patterns pin down: the characters that are not wildcards. */
const specificity = (o: EndpointOverride) =>
  o.endpoint.replaceAll("*", "").length + (o.service ?? "").replaceAll("*", "").length;

/** The endpoint override that applies to a request, or null (most specific wins; see DetectorSettings). */
export function endpointOverrideFor(
  settings: DetectorSettings,
  service: string,
  endpoint: string,
): EndpointOverride | null {
  let best: EndpointOverride | null = null;
  for (const o of settings.endpointOverrides ?? []) {
    if (!globMatches(o.endpoint, endpoint)) continue;
    if (o.service && !globMatches(o.service, service)) continue;
    if (best === null || specificity(o) >= specificity(best)) best = o;
  }
  return best;
}

/**
 * The settings that apply to one request: its service's overrides over the base, then its endpoint's.
 * Memoized per settings object.
 */
export function settingsFor(
  settings: DetectorSettings,
  service: string,
  endpoint?: string,
): DetectorSettings {
  const override = settings.serviceOverrides?.[service];
  const byEndpoint = endpoint === undefined ? null : endpointOverrideFor(settings, service, endpoint);
  if (!override && !byEndpoint) return settings;
  let cache = merged.get(settings);
  if (!cache) {
    cache = new Map();
    merged.set(settings, cache);
  }
  const key = byEndpoint ? `${service}\u0000${settings.endpointOverrides?.indexOf(byEndpoint)}` : service;
  let out = cache.get(key);
  if (!out) {
    // Undefined entries (from a partial JSON object) must not erase a base threshold.
    out = { ...settings, ...definedOnly(override ?? {}), ...definedOnly(byEndpoint?.thresholds ?? {}) };
    if (cache.size > 10_000) cache.clear(); // services x overrides is small; this only bounds a pathological case
    cache.set(key, out);
  }
  return out;
}

import type { Finding, SpanRecord } from "@n1radar/core";
import { collectCalls } from "./calls.js";
import { groupCalls } from "./groups.js";
import { isIgnored } from "./ignore.js";
import { intentFor } from "./intent.js";
import { nPlusOneDetector } from "./n-plus-one.js";
import { repeatedWriteDetector } from "./repeated-write.js";
import { type Detector, type RequestContext, withEvidence } from "./report.js";
import { type DetectorSettings, settingsFor } from "./settings.js";
import { TraceView } from "./trace-view.js";

/** Every detector, run on every request. Adding one: a file on the report.ts base and an entry here. */
export const DETECTORS: readonly Detector[] = [nPlusOneDetector, repeatedWriteDetector];

function lowestMinRepeats(settings: DetectorSettings): number {
  let min = settings.minRepeats;
  for (const o of Object.values(settings.serviceOverrides ?? {})) min = Math.min(min, o.minRepeats ?? min);
  for (const o of settings.endpointOverrides ?? []) min = Math.min(min, o.thresholds.minRepeats ?? min);
  return min;
}

export interface DetectOptions {
  /**
   * Ignore rules kept outside the settings (the store's, which change while the server runs), checked with
   * `settings.ignore` before any evidence is built.
   */
  isIgnored?: (finding: Finding) => boolean;
  /**
   * Whether a finding's evidence (a sample of its request's spans, up to maxSampleSpans) is wanted. The pipeline
   * asks its accumulator, which keeps one sample per offender (the most repeats), so a request whose finding
   * will not be kept skips the work; such a finding comes back with no spans. Default: every finding's.
   */
  wantsEvidence?: (finding: Finding) => boolean;
}

/**
 * Judges a set of spans: a whole trace, one request the assembler released, or a trace's leftovers. Each
 * request in it is judged on its own with its service's settings; findings under `minWastedMs` or matching an
 * ignore rule are dropped. Pure: the same spans always give the same findings.
 */
export function detect(
  spans: readonly SpanRecord[],
  settings: DetectorSettings,
  options: DetectOptions = {},
): Finding[] {
  // Most traces hold a few queries: skip building any index for them.
  let dbSpans = 0;
  for (const span of spans) if (span.db !== null) dbSpans++;
  if (dbSpans < lowestMinRepeats(settings)) return [];

  const view = new TraceView(spans);
  const findings: Finding[] = [];
  for (const request of view.requests()) {
    const own = settingsFor(settings, request.service, request.endpoint);
    const calls = collectCalls(view, request);
    if (calls.length < own.minRepeats) continue;
    const groups = groupCalls(calls, own);
    if (!groups.some((g) => g.calls.length >= own.minRepeats)) continue;
    const ctx: RequestContext = { view, request, settings: own, calls, groups };
    for (const detector of DETECTORS) {
      for (const reported of detector.detect(ctx)) {
        const { finding } = reported;
        if (finding.wastedMs < own.minWastedMs || isIgnored(finding, settings.ignore)) continue;
        if (options.isIgnored?.(finding)) continue;
        if (intentFor(view, reported)) continue; // the app marked this loop as meant (intent.ts)
        findings.push(options.wantsEvidence?.(finding) === false ? finding : withEvidence(ctx, reported));
      }
    }
  }
  return findings;
}

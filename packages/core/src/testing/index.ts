import type { Finding } from "../finding.js";

/**
 * A finding for tests (`@n1radar/core/testing`): a plain 1+N with no source, chain, code or spans, where every
 * call took 1 ms, so `totalMs` and `wastedMs` follow from `repeats` unless given. Pure and tiny, so it ships in
 * the build and every package's tests build findings one way.
 */
export function makeFinding(fields: Partial<Finding> = {}): Finding {
  const repeats = fields.repeats ?? 5;
  return {
    kind: "n_plus_one",
    traceId: "0af7651916cd43dd8448eb211c80319c",
    service: "blog",
    endpoint: "GET /posts",
    dbSystem: null,
    statement: "SELECT * FROM authors WHERE id = ?",
    fingerprint: "f",
    sourceStatement: null,
    chain: [],
    parallel: false,
    repeats,
    totalMs: repeats,
    wastedMs: repeats - 1,
    seenAtMs: 0,
    scopeName: null,
    sdkLanguage: null,
    code: null,
    spans: [],
    ...fields,
  };
}

/**
 * CPU milliseconds `fn` took in this process: the guard for "stays linear on hostile input" tests. Wall time
 * grows with whatever else the machine runs (several suites at once, CI neighbours) and made those guards flaky;
 * CPU time does not, while a quadratic regression still costs seconds of it.
 */
export function cpuMs(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1_000;
}

import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { Guidance } from "@n1radar/core";
import { normalizeSql } from "@n1radar/detector";
import { expect } from "vitest";
import type { GuidanceInput, OrmId, StrategyId } from "../types.js";

/**
 * Shared by the tests that feed real ORM statements to guidance (recorded.int.test.ts: SQL recorded here from
 * Debian-packaged ORMs; published.int.test.ts: SQL the ORMs' own projects publish). Test-only: excluded from the
 * build, since it imports the detector's normalizer (a dev dependency).
 */

/** The detector's display form, as the server hands it to guidance. */
export const display = (sql: string): string => normalizeSql(sql).display;

/** What both kinds of scenario file share. */
export interface ScenarioBase {
  name: string;
  kind: "n_plus_one" | "repeated_write";
  sourceStatement: string | null;
  statement: string;
  repeats: number;
  chain?: string[];
  expected: { orm: OrmId; strategy: StrategyId; snippetContains: string[] };
}

export interface FileBase<S extends ScenarioBase> {
  orm: OrmId;
  sdkLanguage: string;
  scopeName: string;
  scenarios: S[];
}

/** Every `.json` file directly in `dir`, parsed, in name order; none when the directory is missing. */
export function readScenarioFiles<F>(dir: string): F[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => JSON.parse(readFileSync(`${dir}${f}`, "utf8")) as F)
    : [];
}

/** The finding guidance gets for one scenario, with the file's scope name or none (dialect alone). */
export function inputOf(sdkLanguage: string, s: ScenarioBase, scopeName: string | null): GuidanceInput {
  return {
    kind: s.kind,
    statement: display(s.statement),
    sourceStatement: s.sourceStatement === null ? null : display(s.sourceStatement),
    chain: (s.chain ?? []).map(display),
    parallel: false,
    repeats: s.repeats,
    totalMs: 5,
    scopeName,
    sdkLanguage,
  };
}

/** Guidance text must never show template holes. */
const HOLES = /undefined|NaN|\[object /;

/** The guidance names the scenario's ORM and strategy, writes its snippets, and shows no template holes. */
export function expectFix(g: Guidance, s: ScenarioBase): void {
  expect(g.orm, display(s.statement)).toBe(s.expected.orm);
  expect(g.strategy, display(s.statement)).toBe(s.expected.strategy);
  for (const snippet of s.expected.snippetContains) expect(g.after).toContain(snippet);
  expect([g.summary, g.why, g.before, g.after, g.verify, g.tradeoff].join("\n")).not.toMatch(HOLES);
}

/** Recognised from the SQL dialect alone (no scope name) at `floor` or better; no floor, no check. */
export function expectDialectFloor(g: Guidance, orm: OrmId, floor: number | undefined): void {
  if (floor === undefined) return;
  expect(g.orm).toBe(orm);
  expect(g.confidence).toBeGreaterThanOrEqual(floor);
}

import type { Finding } from "@n1radar/core";
import { normalizeSql } from "./fingerprint.js";

/**
 * Loops a team means to keep. One matcher for every source of rules: the server's N1_IGNORE setting, the
 * rules created from the dashboard (table `ignore_rules`) and `n1radar analyze --config`.
 *
 * Every field that is set must match; a rule with no field set matches nothing, so a half-filled form never
 * silences everything.
 * - `service`, `endpoint`: exact, or a glob where `*` is any run of characters (`GET /admin/*`).
 * - `statement`: the same query, compared after normalization, so raw SQL with values, another case or other
 *   placeholders still match (`select * from users where id = 7` matches `SELECT * FROM users WHERE id = ?`).
 * - `statementContains`: a normalized fragment the statement contains (`FROM audit_log`).
 */
export interface IgnoreRule {
  service?: string | null;
  endpoint?: string | null;
  statement?: string | null;
  statementContains?: string | null;
}

export type IgnoreTarget = Pick<Finding, "service" | "endpoint" | "statement">;

const MEMO_LIMIT = 1_000;
const globs = new Map<string, RegExp>();
const canonicals = new Map<string, string>();

function memo<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    if (map.size >= MEMO_LIMIT) map.clear();
    value = make();
    map.set(key, value);
  }
  return value;
}

/** Exact, or a glob where `*` is any run of characters; the one glob of ignore rules and endpoint thresholds. */
export function globMatches(pattern: string, value: string): boolean {
  if (!pattern.includes("*")) return pattern === value;
  const re = memo(globs, pattern, () => {
    const body = pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*");
    return new RegExp(`^${body}$`, "s");
  });
  return re.test(value);
}

function canonical(statement: string): string {
  return memo(canonicals, statement, () => normalizeSql(statement).canonical);
}

const isSet = (v: string | null | undefined): v is string => typeof v === "string" && v !== "";

export function matchesIgnoreRule(finding: IgnoreTarget, rule: IgnoreRule): boolean {
  const { service, endpoint, statement, statementContains } = rule;
  if (!isSet(service) && !isSet(endpoint) && !isSet(statement) && !isSet(statementContains)) return false;
  if (isSet(service) && !globMatches(service, finding.service)) return false;
  if (isSet(endpoint) && !globMatches(endpoint, finding.endpoint)) return false;
  if (isSet(statement) && canonical(statement) !== canonical(finding.statement)) return false;
  if (isSet(statementContains) && !canonical(finding.statement).includes(canonical(statementContains)))
    return false;
  return true;
}

export function isIgnored(finding: IgnoreTarget, rules: readonly IgnoreRule[] | undefined): boolean {
  if (!rules || rules.length === 0) return false;
  for (const rule of rules) if (matchesIgnoreRule(finding, rule)) return true;
  return false;
}

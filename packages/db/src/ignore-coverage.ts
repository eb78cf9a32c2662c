/**
 * What an ignore rule covers, asked before it exists and while it does: a rule for "this query, on any
 * endpoint" also covers every other endpoint that runs the statement, often the worst offender of all, so
 * the dashboard names them before the rule is created and the rules page counts them after.
 */

import type { IgnorePreview, IgnoreScope, OffenderStatus } from "@n1radar/core";
import { and, desc, eq, isNull, ne, or, type SQL, sql } from "drizzle-orm";
import { globPattern, matchesGlob } from "./glob.js";
import type { Db } from "./open.js";
import { ignoreRules, offenders } from "./schema.js";

/** The fields of a rule: a null field matches anything. */
export interface RuleFields {
  service: string | null;
  endpoint: string | null;
  statement: string | null;
}

/** The rule an ignore of this offender with this scope creates. */
export function ruleFieldsFor(
  row: { service: string; endpoint: string; statement: string },
  scope: IgnoreScope,
): RuleFields {
  return scope === "statement"
    ? { service: row.service, endpoint: null, statement: row.statement }
    : { service: row.service, endpoint: row.endpoint, statement: null };
}

/** Offenders a rule covers: service and endpoint as globs, as the pipeline reads them (glob.ts). */
export function coveredBy(rule: RuleFields): SQL | undefined {
  return and(
    rule.service === null ? undefined : sql`${offenders.service} GLOB ${globPattern(rule.service)}`,
    rule.endpoint === null ? undefined : sql`${offenders.endpoint} GLOB ${globPattern(rule.endpoint)}`,
    rule.statement === null ? undefined : eq(offenders.statement, rule.statement),
  );
}

/** Rules that cover a given offender (the reverse of `coveredBy`). */
export function coveringRules(target: { service: string; endpoint: string; statement: string }) {
  return and(
    or(isNull(ignoreRules.service), matchesGlob(target.service, ignoreRules.service)),
    or(isNull(ignoreRules.endpoint), matchesGlob(target.endpoint, ignoreRules.endpoint)),
    or(isNull(ignoreRules.statement), eq(ignoreRules.statement, target.statement)),
  );
}

/** GET /api/findings/:id/ignore-preview's answer: its shape is core's (IgnorePreviewSchema). */
export type { IgnorePreview };
/** An offender a rule would cover, as the preview lists it. */
export type CoveredOffender = IgnorePreview["offenders"][number];

/** What ignoring offender `id` with `scope` would cover, without creating anything; null when no such offender. */
export function previewIgnore(db: Db, id: string, scope: IgnoreScope, limit = 5): IgnorePreview | null {
  const row = db
    .select({ service: offenders.service, endpoint: offenders.endpoint, statement: offenders.statement })
    .from(offenders)
    .where(eq(offenders.id, id))
    .get();
  if (!row) return null;
  const rule = ruleFieldsFor(row, scope);
  const newly = and(coveredBy(rule), ne(offenders.status, "ignored"));
  const covers = db.select({ n: sql<number>`count(*)` }).from(offenders).where(newly).get()?.n ?? 0;
  const top = db
    .select({
      id: offenders.id,
      endpoint: offenders.endpoint,
      statement: offenders.statement,
      status: offenders.status,
      wastedMs: offenders.wastedMs,
    })
    .from(offenders)
    .where(newly)
    .orderBy(desc(offenders.wastedMs), offenders.id)
    .limit(limit)
    .all();
  return { scope, rule, covers, offenders: top.map((o) => ({ ...o, status: o.status as OffenderStatus })) };
}

/** For each rule, the offenders it covers now: one grouped query for the rules page. */
export function ruleCoverage(db: Db): Map<number, number> {
  const rows = db
    .select({ id: ignoreRules.id, n: sql<number>`count(${offenders.id})` })
    .from(ignoreRules)
    .leftJoin(
      offenders,
      and(
        or(isNull(ignoreRules.service), matchesGlob(offenders.service, ignoreRules.service)),
        or(isNull(ignoreRules.endpoint), matchesGlob(offenders.endpoint, ignoreRules.endpoint)),
        or(isNull(ignoreRules.statement), eq(ignoreRules.statement, offenders.statement)),
      ),
    )
    .groupBy(ignoreRules.id)
    .all();
  return new Map(rows.map((r) => [r.id, r.n]));
}

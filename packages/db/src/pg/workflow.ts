/**
 * Triage on PostgreSQL: workflow.ts and ignore-coverage.ts in PostgreSQL's spelling. Rule patterns are globs
 * (`*` any run of characters, case-sensitive, nothing else special), matched here with LIKE: the pattern's own
 * `\`, `%` and `_` escaped, `*` turned into `%`.
 */
import {
  type IgnoreRule,
  type IgnoreScope,
  N1Error,
  type OffenderStatus,
  type WorkflowStatus,
} from "@n1radar/core";
import { and, count, desc, eq, isNull, ne, or, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { IgnorePreview, RuleFields } from "../ignore-coverage.js";
import { ruleFieldsFor } from "../ignore-coverage.js";
import { ignoreRules, offenders } from "../schema-pg.js";
import type { IgnoreResult } from "../workflow.js";
import type { PgDb, PgTx } from "./db.js";

/** A rule pattern known here, as a LIKE pattern. */
export function likeFromGlob(pattern: string): string {
  return pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, "%");
}

/** `value` matches the glob held in `pattern` (a column): the same conversion, in SQL. */
export function matchesGlob(value: SQLWrapper | string, pattern: SQLWrapper): SQL {
  return sql`${value} LIKE replace(replace(replace(replace(${pattern}, '\\', '\\\\'), '%', '\\%'), '_', '\\_'), '*', '%')`;
}

function coveredBy(rule: RuleFields): SQL | undefined {
  return and(
    rule.service === null ? undefined : sql`${offenders.service} LIKE ${likeFromGlob(rule.service)}`,
    rule.endpoint === null ? undefined : sql`${offenders.endpoint} LIKE ${likeFromGlob(rule.endpoint)}`,
    rule.statement === null ? undefined : eq(offenders.statement, rule.statement),
  );
}

function coveringRules(target: { service: string; endpoint: string; statement: string }) {
  return and(
    or(isNull(ignoreRules.service), matchesGlob(sql`${target.service}::text`, ignoreRules.service)),
    or(isNull(ignoreRules.endpoint), matchesGlob(sql`${target.endpoint}::text`, ignoreRules.endpoint)),
    or(isNull(ignoreRules.statement), eq(ignoreRules.statement, target.statement)),
  );
}

type RuleRow = typeof ignoreRules.$inferSelect;

function toRule(row: RuleRow): IgnoreRule {
  return { ...row, createdAt: new Date(row.createdAt).toISOString() };
}

export async function listIgnoreRules(db: PgDb): Promise<IgnoreRule[]> {
  const rows = await db.select().from(ignoreRules).orderBy(desc(ignoreRules.createdAt), desc(ignoreRules.id));
  return rows.map(toRule);
}

async function reopenUncovered(tx: PgTx, nowMs: number, by: string | null): Promise<number> {
  const reopened = await tx
    .update(offenders)
    .set({ status: "open", statusChangedAt: nowMs, statusChangedBy: by })
    .where(
      and(
        eq(offenders.status, "ignored"),
        sql`not exists (select 1 from ignore_rules r where
          (r.service is null or ${matchesGlob(sql`offenders.service`, sql`r.service`)}) and
          (r.endpoint is null or ${matchesGlob(sql`offenders.endpoint`, sql`r.endpoint`)}) and
          (r.statement is null or r.statement = offenders.statement))`,
      ),
    )
    .returning({ id: offenders.id });
  return reopened.length;
}

export async function setOffenderStatus(
  db: PgDb,
  id: string,
  status: WorkflowStatus,
  nowMs: number,
  by: string | null = null,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        status: offenders.status,
        service: offenders.service,
        endpoint: offenders.endpoint,
        statement: offenders.statement,
      })
      .from(offenders)
      .where(eq(offenders.id, id))
      .for("update");
    if (!row) return false;
    if (row.status === "ignored") {
      if (status !== "open")
        throw new N1Error("bad_request", "an ignored finding can only be reopened (status open)");
      await tx.delete(ignoreRules).where(coveringRules(row));
      await reopenUncovered(tx, nowMs, by);
    }
    await tx
      .update(offenders)
      .set({ status, statusChangedAt: nowMs, statusChangedBy: by })
      .where(eq(offenders.id, id));
    return true;
  });
}

export async function ignoreOffender(
  db: PgDb,
  id: string,
  scope: IgnoreScope,
  reason: string | null,
  nowMs: number,
  by: string | null = null,
): Promise<IgnoreResult | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ service: offenders.service, endpoint: offenders.endpoint, statement: offenders.statement })
      .from(offenders)
      .where(eq(offenders.id, id));
    if (!row) return null;
    const fields: RuleFields = ruleFieldsFor(row, scope);
    const same = and(
      fields.endpoint === null ? isNull(ignoreRules.endpoint) : eq(ignoreRules.endpoint, fields.endpoint),
      fields.statement === null ? isNull(ignoreRules.statement) : eq(ignoreRules.statement, fields.statement),
      eq(ignoreRules.service, row.service),
    );
    const [existing] = await tx.select().from(ignoreRules).where(same).limit(1);
    const rule =
      existing ??
      (
        await tx
          .insert(ignoreRules)
          .values({ ...fields, reason, createdAt: nowMs, createdBy: by })
          .returning()
      )[0];
    if (!rule) throw new Error("the ignore rule was not created");
    const ignored = await tx
      .update(offenders)
      .set({ status: "ignored", statusChangedAt: nowMs, statusChangedBy: by })
      .where(and(coveredBy(fields), ne(offenders.status, "ignored")))
      .returning({ id: offenders.id });
    return { rule: toRule(rule), ignored: ignored.length };
  });
}

export async function deleteIgnoreRule(
  db: PgDb,
  id: number,
  nowMs: number,
  by: string | null = null,
): Promise<{ reopened: number } | null> {
  return db.transaction(async (tx) => {
    const deleted = await tx
      .delete(ignoreRules)
      .where(eq(ignoreRules.id, id))
      .returning({ id: ignoreRules.id });
    if (deleted.length === 0) return null;
    return { reopened: await reopenUncovered(tx, nowMs, by) };
  });
}

export async function previewIgnore(
  db: PgDb,
  id: string,
  scope: IgnoreScope,
  limit = 5,
): Promise<IgnorePreview | null> {
  const [row] = await db
    .select({ service: offenders.service, endpoint: offenders.endpoint, statement: offenders.statement })
    .from(offenders)
    .where(eq(offenders.id, id));
  if (!row) return null;
  const rule = ruleFieldsFor(row, scope);
  const newly = and(coveredBy(rule), ne(offenders.status, "ignored"));
  const [covers] = await db.select({ n: count() }).from(offenders).where(newly);
  const top = await db
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
    .limit(limit);
  return {
    scope,
    rule,
    covers: covers?.n ?? 0,
    offenders: top.map((o) => ({ ...o, status: o.status as OffenderStatus })),
  };
}

export async function ruleCoverage(db: PgDb): Promise<Map<number, number>> {
  const rows = await db
    .select({ id: ignoreRules.id, n: count(offenders.id) })
    .from(ignoreRules)
    .leftJoin(
      offenders,
      and(
        or(isNull(ignoreRules.service), matchesGlob(offenders.service, ignoreRules.service)),
        or(isNull(ignoreRules.endpoint), matchesGlob(offenders.endpoint, ignoreRules.endpoint)),
        or(isNull(ignoreRules.statement), eq(ignoreRules.statement, offenders.statement)),
      ),
    )
    .groupBy(ignoreRules.id);
  return new Map(rows.map((r) => [r.id, r.n]));
}

/**
 * The triage workflow: acknowledge, resolve, reopen, and ignore through ignore rules. Regressions (a resolved
 * offender seen again) are marked by recordDeltas, since only new data can cause one.
 */
import { type IgnoreRule, type IgnoreScope, N1Error, type WorkflowStatus } from "@n1radar/core";
import { and, desc, eq, isNull, ne, sql } from "drizzle-orm";
import { coveredBy, coveringRules, type RuleFields, ruleFieldsFor } from "./ignore-coverage.js";
import type { Db } from "./open.js";
import { ignoreRules, offenders } from "./schema.js";
import { type Tx, writeTransaction } from "./write-transaction.js";

type RuleRow = typeof ignoreRules.$inferSelect;

function toRule(row: RuleRow): IgnoreRule {
  return { ...row, createdAt: new Date(row.createdAt).toISOString() };
}

export function listIgnoreRules(db: Db): IgnoreRule[] {
  return db
    .select()
    .from(ignoreRules)
    .orderBy(desc(ignoreRules.createdAt), desc(ignoreRules.id))
    .all()
    .map(toRule);
}

/** Ignored offenders no rule covers any more go back to open, so deleting a rule undoes it. */
function reopenUncovered(tx: Tx, nowMs: number, by: string | null): number {
  return tx
    .update(offenders)
    .set({ status: "open", statusChangedAt: nowMs, statusChangedBy: by })
    .where(
      and(
        eq(offenders.status, "ignored"),
        // Spelled out: inside UPDATE, drizzle renders columns unqualified, which the subquery would misread.
        // Service and endpoint as globs, as the pipeline reads them (glob.ts).
        sql`not exists (select 1 from ignore_rules r where
          (r.service is null or offenders.service GLOB replace(replace(r.service, '[', '[[]'), '?', '[?]')) and
          (r.endpoint is null or offenders.endpoint GLOB replace(replace(r.endpoint, '[', '[[]'), '?', '[?]')) and
          (r.statement is null or r.statement = offenders.statement))`,
      ),
    )
    .run().changes;
}

/**
 * Sets an offender's status; false when there is no such offender. Reopening an ignored offender deletes the
 * rules that cover it (and so reopens the other offenders only those rules covered): otherwise the pipeline
 * would go on dropping its new data.
 */
export function setOffenderStatus(
  db: Db,
  id: string,
  status: WorkflowStatus,
  nowMs: number,
  by: string | null = null,
): boolean {
  return writeTransaction(db, (tx) => {
    const row = tx
      .select({
        status: offenders.status,
        service: offenders.service,
        endpoint: offenders.endpoint,
        statement: offenders.statement,
      })
      .from(offenders)
      .where(eq(offenders.id, id))
      .get();
    if (!row) return false;
    if (row.status === "ignored") {
      if (status !== "open")
        throw new N1Error("bad_request", "an ignored finding can only be reopened (status open)");
      tx.delete(ignoreRules).where(coveringRules(row)).run();
      reopenUncovered(tx, nowMs, by);
    }
    // statusChangedAt is what a regression is measured from: data seen after a resolve reopens it.
    tx.update(offenders)
      .set({ status, statusChangedAt: nowMs, statusChangedBy: by })
      .where(eq(offenders.id, id))
      .run();
    return true;
  });
}

export interface IgnoreResult {
  rule: IgnoreRule;
  /** Offenders newly marked ignored by the rule (this one and any others it covers). */
  ignored: number;
}

/**
 * Ignores an offender by creating a rule: `statement` covers this statement anywhere in the service,
 * `endpoint` every statement of this endpoint. An identical existing rule is reused. Null when no such offender.
 */
export function ignoreOffender(
  db: Db,
  id: string,
  scope: IgnoreScope,
  reason: string | null,
  nowMs: number,
  by: string | null = null,
): IgnoreResult | null {
  return writeTransaction(db, (tx) => {
    const row = tx
      .select({ service: offenders.service, endpoint: offenders.endpoint, statement: offenders.statement })
      .from(offenders)
      .where(eq(offenders.id, id))
      .get();
    if (!row) return null;
    const fields: RuleFields = ruleFieldsFor(row, scope);
    const same = and(
      fields.endpoint === null ? isNull(ignoreRules.endpoint) : eq(ignoreRules.endpoint, fields.endpoint),
      fields.statement === null ? isNull(ignoreRules.statement) : eq(ignoreRules.statement, fields.statement),
      eq(ignoreRules.service, row.service),
    );
    const rule =
      tx.select().from(ignoreRules).where(same).get() ??
      tx
        .insert(ignoreRules)
        .values({ ...fields, reason, createdAt: nowMs, createdBy: by })
        .returning()
        .get();
    const ignored = tx
      .update(offenders)
      .set({ status: "ignored", statusChangedAt: nowMs, statusChangedBy: by })
      .where(and(coveredBy(fields), ne(offenders.status, "ignored")))
      .run().changes;
    return { rule: toRule(rule), ignored };
  });
}

/** Deletes a rule and reopens what only it covered; null when there is no such rule. */
export function deleteIgnoreRule(
  db: Db,
  id: number,
  nowMs: number,
  by: string | null = null,
): { reopened: number } | null {
  return writeTransaction(db, (tx) => {
    const deleted = tx.delete(ignoreRules).where(eq(ignoreRules.id, id)).run().changes;
    if (deleted === 0) return null;
    return { reopened: reopenUncovered(tx, nowMs, by) };
  });
}

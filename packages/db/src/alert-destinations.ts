/**
 * Alert destinations: those set by ALERT_DESTINATIONS are mirrored here at start-up (source "env", read-only
 * through the API), those created in the dashboard live only here. One table, so the worker and the API read one
 * list and deliveries can reference either kind.
 */
import { randomUUID } from "node:crypto";
import { N1Error } from "@n1radar/core";
import { and, asc, eq, notInArray } from "drizzle-orm";
import type { Db } from "./open.js";
import { alertDestinations } from "./schema.js";
import { writeTransaction } from "./write-transaction.js";

export type DestinationRow = typeof alertDestinations.$inferSelect;

/** A destination's settings as the store keeps them (the alerts package validates them). */
export interface DestinationFields {
  name: string;
  type: string;
  url: string;
  secret: string | null;
  filter: Record<string, unknown>;
}

export function listDestinations(db: Db): DestinationRow[] {
  return db
    .select()
    .from(alertDestinations)
    .orderBy(asc(alertDestinations.createdAt), asc(alertDestinations.name))
    .all();
}

export function getDestination(db: Db, id: string): DestinationRow | undefined {
  return db.select().from(alertDestinations).where(eq(alertDestinations.id, id)).get();
}

function assertNameFree(db: Db, name: string, exceptId: string | null): void {
  const other = db.select().from(alertDestinations).where(eq(alertDestinations.name, name)).get();
  if (other && other.id !== exceptId)
    throw new N1Error("bad_request", `a destination named ${JSON.stringify(name)} already exists`);
}

/** A destination created through the API, as both dialects insert it. */
export function newDestination(fields: DestinationFields, nowMs: number) {
  return {
    id: randomUUID(),
    source: "api",
    ...fields,
    enabled: true,
    disabledReason: null,
    createdAt: nowMs,
    updatedAt: nowMs,
  };
}

export function createDestination(db: Db, fields: DestinationFields, nowMs: number): DestinationRow {
  assertNameFree(db, fields.name, null);
  return db.insert(alertDestinations).values(newDestination(fields, nowMs)).returning().get();
}

function editable(db: Db, id: string): DestinationRow | null {
  const row = getDestination(db, id);
  if (!row) return null;
  if (row.source === "env")
    throw new N1Error("bad_request", "this destination is set by ALERT_DESTINATIONS; change it there");
  return row;
}

/** Replaces an API destination's settings; null when there is none. Re-enables it (the URL may be fixed). */
export function updateDestination(
  db: Db,
  id: string,
  fields: DestinationFields,
  nowMs: number,
): DestinationRow | null {
  if (!editable(db, id)) return null;
  assertNameFree(db, fields.name, id);
  return (
    db
      .update(alertDestinations)
      .set({ ...fields, enabled: true, disabledReason: null, updatedAt: nowMs })
      .where(eq(alertDestinations.id, id))
      .returning()
      .get() ?? null
  );
}

/** Turns delivery on or off; `reason` says why n1radar turned it off by itself (a deleted webhook). */
export function setDestinationEnabled(
  db: Db,
  id: string,
  enabled: boolean,
  reason: string | null,
  nowMs: number,
): DestinationRow | undefined {
  return db
    .update(alertDestinations)
    .set({ enabled, disabledReason: enabled ? null : reason, updatedAt: nowMs })
    .where(eq(alertDestinations.id, id))
    .returning()
    .get();
}

/** Deletes an API destination with its deliveries; false when there is none. */
export function deleteDestination(db: Db, id: string): boolean {
  if (!editable(db, id)) return false;
  return db.delete(alertDestinations).where(eq(alertDestinations.id, id)).run().changes > 0;
}

/**
 * Mirrors ALERT_DESTINATIONS: each named destination is upserted (enabled again: a restart with the
 * configuration is the way to retry a disabled one), and env destinations no longer configured are removed.
 */
export function syncEnvDestinations(db: Db, list: readonly DestinationFields[], nowMs: number): void {
  writeTransaction(db, (tx) => {
    for (const fields of list) {
      const id = `env:${fields.name}`;
      const clash = tx.select().from(alertDestinations).where(eq(alertDestinations.name, fields.name)).get();
      if (clash && clash.source !== "env")
        throw new N1Error(
          "bad_request",
          `ALERT_DESTINATIONS: the name ${JSON.stringify(fields.name)} is taken by a destination created in the dashboard`,
        );
      tx.insert(alertDestinations)
        .values({ id, source: "env", ...fields, enabled: true, createdAt: nowMs, updatedAt: nowMs })
        .onConflictDoUpdate({
          target: alertDestinations.id,
          set: { ...fields, enabled: true, disabledReason: null, updatedAt: nowMs },
        })
        .run();
    }
    const keep = list.map((f) => `env:${f.name}`);
    tx.delete(alertDestinations)
      .where(
        and(
          eq(alertDestinations.source, "env"),
          keep.length > 0 ? notInArray(alertDestinations.id, keep) : undefined,
        ),
      )
      .run();
  });
}

/** Alert destinations on PostgreSQL (alert-destinations.ts's twin). */
import { N1Error } from "@n1radar/core";
import { and, asc, eq, notInArray, sql } from "drizzle-orm";
import { type DestinationFields, type DestinationRow, newDestination } from "../alert-destinations.js";
import { alertDestinations } from "../schema-pg.js";
import { LOCK, type PgDb, type PgTx } from "./db.js";

export async function listDestinations(db: PgDb): Promise<DestinationRow[]> {
  return db
    .select()
    .from(alertDestinations)
    .orderBy(asc(alertDestinations.createdAt), asc(alertDestinations.name));
}

export async function getDestination(db: PgDb | PgTx, id: string): Promise<DestinationRow | undefined> {
  const [row] = await db.select().from(alertDestinations).where(eq(alertDestinations.id, id));
  return row;
}

async function assertNameFree(db: PgDb | PgTx, name: string, exceptId: string | null): Promise<void> {
  const [other] = await db.select().from(alertDestinations).where(eq(alertDestinations.name, name));
  if (other && other.id !== exceptId)
    throw new N1Error("bad_request", `a destination named ${JSON.stringify(name)} already exists`);
}

export async function createDestination(
  db: PgDb,
  fields: DestinationFields,
  nowMs: number,
): Promise<DestinationRow> {
  await assertNameFree(db, fields.name, null);
  const [row] = await db.insert(alertDestinations).values(newDestination(fields, nowMs)).returning();
  if (!row) throw new Error("the destination was not created");
  return row;
}

async function editable(db: PgDb, id: string): Promise<DestinationRow | null> {
  const row = await getDestination(db, id);
  if (!row) return null;
  if (row.source === "env")
    throw new N1Error("bad_request", "this destination is set by ALERT_DESTINATIONS; change it there");
  return row;
}

export async function updateDestination(
  db: PgDb,
  id: string,
  fields: DestinationFields,
  nowMs: number,
): Promise<DestinationRow | null> {
  if (!(await editable(db, id))) return null;
  await assertNameFree(db, fields.name, id);
  const [row] = await db
    .update(alertDestinations)
    .set({ ...fields, enabled: true, disabledReason: null, updatedAt: nowMs })
    .where(eq(alertDestinations.id, id))
    .returning();
  return row ?? null;
}

export async function setDestinationEnabled(
  db: PgDb,
  id: string,
  enabled: boolean,
  reason: string | null,
  nowMs: number,
): Promise<DestinationRow | undefined> {
  const [row] = await db
    .update(alertDestinations)
    .set({ enabled, disabledReason: enabled ? null : reason, updatedAt: nowMs })
    .where(eq(alertDestinations.id, id))
    .returning();
  return row;
}

export async function deleteDestination(db: PgDb, id: string): Promise<boolean> {
  if (!(await editable(db, id))) return false;
  const deleted = await db
    .delete(alertDestinations)
    .where(eq(alertDestinations.id, id))
    .returning({ id: alertDestinations.id });
  return deleted.length > 0;
}

export async function syncEnvDestinations(
  db: PgDb,
  list: readonly DestinationFields[],
  nowMs: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    // Replicas starting together sync the same list: one at a time.
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK.destinations})`);
    for (const fields of list) {
      const id = `env:${fields.name}`;
      const [clash] = await tx
        .select()
        .from(alertDestinations)
        .where(eq(alertDestinations.name, fields.name));
      if (clash && clash.source !== "env")
        throw new N1Error(
          "bad_request",
          `ALERT_DESTINATIONS: the name ${JSON.stringify(fields.name)} is taken by a destination created in the dashboard`,
        );
      await tx
        .insert(alertDestinations)
        .values({ id, source: "env", ...fields, enabled: true, createdAt: nowMs, updatedAt: nowMs })
        .onConflictDoUpdate({
          target: alertDestinations.id,
          set: { ...fields, enabled: true, disabledReason: null, updatedAt: nowMs },
        });
    }
    const keep = list.map((f) => `env:${f.name}`);
    await tx
      .delete(alertDestinations)
      .where(
        and(
          eq(alertDestinations.source, "env"),
          keep.length > 0 ? notInArray(alertDestinations.id, keep) : undefined,
        ),
      );
  });
}

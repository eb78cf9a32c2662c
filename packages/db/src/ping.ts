import { sql } from "drizzle-orm";
import type { Db } from "./open.js";

/** Throws when the database does not answer (readiness probes); migrations already ran when the store opened. */
export function ping(db: Db): void {
  db.get(sql`select 1`);
}

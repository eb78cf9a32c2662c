import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type * as schema from "../schema-pg.js";

/** The PostgreSQL database handle the pg/ query functions take (a pool, or a transaction inside one). */
export type PgDb = NodePgDatabase<typeof schema>;
export type PgTx = Parameters<Parameters<PgDb["transaction"]>[0]>[0];

/**
 * Advisory lock keys (pg_advisory_lock): one per thing that replicas must do one at a time. Arbitrary constants,
 * chosen to be unlikely to clash with another application's locks in a shared database.
 */
export const LOCK = {
  migrate: 0x6e31_7261_6401,
  alertFanOut: 0x6e31_7261_6402,
  alertClaim: 0x6e31_7261_6403,
  destinations: 0x6e31_7261_6404,
} as const;

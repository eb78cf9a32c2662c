/**
 * The store under test in each dialect: `describe.each(DIALECTS)` runs a suite against SQLite (in memory) and
 * PostgreSQL (a fresh database in the run's throwaway cluster, see pg-setup.ts). Beside the Store, a test gets
 * seeding and raw reads, done with each dialect's own drizzle handle.
 */
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { inject } from "vitest";
import { matchesGlob as sqliteGlob } from "../glob.js";
import { openSqliteStore } from "../open.js";
import { openPgStore } from "../pg/store.js";
import { matchesGlob as pgGlob } from "../pg/workflow.js";
import * as sqliteSchema from "../schema.js";
import * as pgSchema from "../schema-pg.js";
import type { Store } from "../store.js";
import { type SeedOffender, seedHoursRows, seedOffenderRows } from "./seed.js";

export const DIALECTS = ["sqlite", "postgres"] as const;
export type TestDialect = (typeof DIALECTS)[number];

export interface TestStore extends Store {
  seedOffenders(rows: readonly SeedOffender[]): Promise<void>;
  /** Hour buckets for one offender: `counts[i]` occurrences in the hour starting at startMs + i hours. */
  seedHours(offenderId: string, startMs: number, counts: readonly number[]): Promise<void>;
  /** Runs a plain SELECT (the same text in both dialects) and returns its rows. */
  rows<T>(query: string): Promise<T[]>;
  /** Runs a statement written the same in both dialects. */
  run(statement: string): Promise<void>;
  /** Whether `value` matches the ignore-rule pattern in this dialect's SQL (the store's own matcher). */
  matchesGlob(value: string, pattern: string): Promise<boolean>;
}

let databases = 0;

/** A database URL in the run's cluster, empty. */
export async function freshPgDatabase(): Promise<string> {
  const admin = inject("pgUrl");
  const name = `n1radar_test_${process.pid}_${Date.now()}_${++databases}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return admin.replace(/\/postgres$/, `/${name}`);
}

export async function openTestStore(dialect: TestDialect): Promise<TestStore> {
  if (dialect === "sqlite") {
    const store = openSqliteStore(":memory:");
    return {
      ...store,
      async seedOffenders(rows) {
        store.db.transaction((tx) => {
          for (const row of seedOffenderRows(rows)) tx.insert(sqliteSchema.offenders).values(row).run();
        });
      },
      async seedHours(offenderId, startMs, counts) {
        for (const row of seedHoursRows(offenderId, startMs, counts))
          store.db.insert(sqliteSchema.offenderHours).values(row).run();
      },
      async rows<T>(query: string) {
        return store.db.all<T>(sql.raw(query));
      },
      async run(statement) {
        store.db.run(sql.raw(statement));
      },
      async matchesGlob(value, pattern) {
        return store.db.get<{ m: number }>(sql`select ${sqliteGlob(value, sql`${pattern}`)} as m`)?.m === 1;
      },
    };
  }
  const url = await freshPgDatabase();
  const store = await openPgStore(url, { poolSize: 4 });
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const db = drizzle({ client: pool, schema: pgSchema });
  return {
    ...store,
    async seedOffenders(rows) {
      const values = seedOffenderRows(rows);
      if (values.length > 0) await db.insert(pgSchema.offenders).values(values);
    },
    async seedHours(offenderId, startMs, counts) {
      const values = seedHoursRows(offenderId, startMs, counts);
      if (values.length > 0) await db.insert(pgSchema.offenderHours).values(values);
    },
    async rows<T>(query: string) {
      return (await pool.query(query)).rows as T[];
    },
    async run(statement) {
      await pool.query(statement);
    },
    async matchesGlob(value, pattern) {
      const result = await db.execute<{ m: boolean }>(
        sql`select ${pgGlob(sql`${value}::text`, sql`${pattern}::text`)} as m`,
      );
      return result.rows[0]?.m === true;
    },
    async close() {
      await pool.end();
      await store.close();
    },
  };
}

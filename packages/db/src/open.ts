import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { isPostgresUrl, openPgStore } from "./pg/store.js";
import * as schema from "./schema.js";
import { bindSqlite } from "./sqlite-store.js";
import type { Store } from "./store.js";

/** The SQLite database handle the query functions take. */
export type Db = BetterSQLite3Database<typeof schema>;

/** A Store on SQLite, with the drizzle handle for tests and seeding. */
export interface SqliteStore extends Store {
  readonly db: Db;
}

const migrationsFolder = fileURLToPath(new URL("../drizzle", import.meta.url));

/** Accepts a plain path, `file:path` or `sqlite:path`; `:memory:` for tests. */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.replace(/^(sqlite|file):(\/\/)?/, "");
}

/** How a store is opened. */
export interface OpenOptions {
  /**
   * Another connection of this process already opened the store and owns its start-up housekeeping (a pipeline
   * worker's connection): nothing held by that connection is touched, e.g. its alert delivery leases.
   */
  secondary?: boolean;
  /** PostgreSQL connections at most (default 10). */
  poolSize?: number;
}

/** Opens (creating if needed) the SQLite file and applies pending migrations. */
export function openSqliteStore(databaseUrl: string, options: OpenOptions = {}): SqliteStore {
  const path = sqlitePath(databaseUrl);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  // WAL: readers (the API) never block the writer (ingest); NORMAL sync is crash-safe in WAL mode.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  // One process owns a SQLite file: a delivery still leased was claimed by a process that is gone (a crash), so
  // it is claimable again at once rather than after its lease.
  if (!options.secondary)
    sqlite.prepare("UPDATE alert_deliveries SET lease_until = NULL WHERE lease_until IS NOT NULL").run();
  let open = true;
  return {
    ...bindSqlite(db),
    db,
    async close() {
      if (!open) return;
      open = false;
      sqlite.pragma("wal_checkpoint(TRUNCATE)");
      sqlite.close();
    },
  };
}

/**
 * Opens the store DATABASE_URL names, applying pending migrations: PostgreSQL for a `postgres://` or
 * `postgresql://` URL, otherwise a SQLite file (a path, `file:` or `sqlite:`; `:memory:` for tests).
 */
export async function openStore(databaseUrl: string, options: OpenOptions = {}): Promise<Store> {
  return isPostgresUrl(databaseUrl)
    ? openPgStore(databaseUrl, { poolSize: options.poolSize })
    : openSqliteStore(databaseUrl, options);
}

import type { Db } from "./open.js";

/** The handle inside a transaction; it has the same query builders as Db. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Every SQLite write goes through here: the transaction takes the write lock as it begins (BEGIN IMMEDIATE).
 * Several connections write to one file (the API's, and each pipeline worker's), and a deferred transaction that
 * read before another connection committed cannot then write (SQLITE_BUSY_SNAPSHOT, which the busy timeout does
 * not retry); an immediate one waits for the lock under the busy timeout instead.
 */
export function writeTransaction<T>(db: Db, run: (tx: Tx) => T): T {
  return db.transaction(run, { behavior: "immediate" });
}

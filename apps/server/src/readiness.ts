import type { Store } from "@n1radar/db";
import type { IngestQueue } from "./processors/ingest-queue.js";
import type { Receiver } from "./receivers/receiver.js";

/** Why this replica should not get traffic now; empty when ready. */
export async function readiness(db: Store, queue: IngestQueue, receiver: Receiver): Promise<string[]> {
  const problems: string[] = [];
  if (receiver.stopping) problems.push("shutting down");
  if (queue.full) problems.push(`ingest queue full (${queue.depth} of ${queue.capacity} spans)`);
  try {
    await db.ping();
  } catch (error) {
    problems.push(`database unreachable: ${(error as Error).message}`);
  }
  return problems;
}

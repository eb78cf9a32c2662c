import type { Finding } from "@n1radar/core";
import { makeFinding } from "@n1radar/core/testing";
import { FindingAccumulator } from "@n1radar/detector";
import { afterEach, describe, expect, it } from "vitest";
import type { JournaledTraces } from "./record.js";
import type { Store } from "./store.js";
import { guidance } from "./testing/seed.js";
import { DIALECTS, openTestStore } from "./testing/stores.js";

const finding = (traceId: string): Finding =>
  makeFinding({
    traceId,
    endpoint: "GET /posts",
    dbSystem: "sqlite",
    fingerprint: "abc",
    repeats: 6,
    seenAtMs: 1000,
  });

async function flush(store: Store, traceIds: string[], journaled?: JournaledTraces): Promise<void> {
  const acc = new FindingAccumulator();
  for (const id of traceIds) acc.addTrace([finding(id)]);
  await store.recordDeltas(
    acc.drain().map((delta) => ({ delta, guidance })),
    journaled ? { journaled } : {},
  );
}

const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe.each(DIALECTS)("%s: the traces behind a durable write (INGEST_DURABLE)", (dialect) => {
  it("are stored with the findings, per journal, and forgotten below a batch", async () => {
    const store = await openTestStore(dialect);
    open.push(store);
    await flush(store, ["t1", "t2"], {
      journal: "a",
      traces: [
        { traceId: "t1", seq: 3 },
        { traceId: "t2", seq: 7 },
      ],
    });
    // The same trace again (leftovers judged later) keeps its last batch; another journal is its own.
    await flush(store, ["t1"], { journal: "a", traces: [{ traceId: "t1", seq: 9 }] });
    await flush(store, ["t3"], { journal: "b", traces: [{ traceId: "t3", seq: 1 }] });
    // The negative twin: a write without a journal records no trace.
    await flush(store, ["t4"]);
    expect((await store.listJournalTraces("a")).sort()).toEqual(["t1", "t2"]);
    expect(await store.listJournalTraces("b")).toEqual(["t3"]);
    const offender = (await store.listOffenders({ limit: 1, offset: 0 }))[0];
    expect(offender?.occurrences).toBe(5);

    expect(await store.pruneJournalTraces("a", 8)).toBe(1); // t2 (7); t1's last batch is 9
    expect(await store.listJournalTraces("a")).toEqual(["t1"]);
    expect(await store.listJournalTraces("b")).toEqual(["t3"]);
  });
});

import { type Finding, FindingAccumulator } from "@n1radar/core";
import { makeFinding } from "@n1radar/core/testing";
import { offenderId } from "@n1radar/detector";
import { afterEach, describe, expect, it } from "vitest";
import type { JournaledRequests } from "./record.js";
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

async function flush(store: Store, traceIds: string[], journaled?: JournaledRequests): Promise<void> {
  const acc = new FindingAccumulator(offenderId);
  for (const id of traceIds) acc.addTrace([finding(id)]);
  await store.recordDeltas(
    acc.drain().map((delta) => ({ delta, guidance: () => guidance })),
    journaled ? { journaled } : {},
  );
}

const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe.each(DIALECTS)("%s: the requests behind a durable write (INGEST_DURABLE)", (dialect) => {
  it("are stored with the findings, per journal, and forgotten below a batch", async () => {
    const store = await openTestStore(dialect);
    open.push(store);
    await flush(store, ["t1", "t2"], {
      journal: "a",
      requests: [
        { request: "t1/r1", seq: 3 },
        { request: "t2/r2", seq: 7 },
      ],
    });
    // The same request again keeps its last batch; another journal is its own.
    await flush(store, ["t1"], { journal: "a", requests: [{ request: "t1/r1", seq: 9 }] });
    await flush(store, ["t3"], { journal: "b", requests: [{ request: "t3/r3", seq: 1 }] });
    // The negative twin: a write without a journal records no trace.
    await flush(store, ["t4"]);
    expect((await store.listJournalRequests("a")).sort()).toEqual(["t1/r1", "t2/r2"]);
    expect(await store.listJournalRequests("b")).toEqual(["t3/r3"]);
    const offender = (await store.findOffenders({ limit: 1, offset: 0 }, Date.now())).findings[0];
    expect(offender?.occurrences).toBe(5);

    expect(await store.pruneJournalRequests("a", 8)).toBe(1); // t2/r2 (7); t1/r1's last batch is 9
    expect(await store.listJournalRequests("a")).toEqual(["t1/r1"]);
    expect(await store.listJournalRequests("b")).toEqual(["t3/r3"]);
  });
});

/**
 * Two stores on one database, as two replicas have: an alert event is planned into deliveries once, and a due
 * delivery is claimed by one of them only, with each destination's messages kept with one sender.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Finding, FindingAccumulator } from "@n1radar/core";
import { makeFinding } from "@n1radar/core/testing";
import { offenderId } from "@n1radar/detector";
import { afterEach, describe, expect, it } from "vitest";
import type { FanOutInput } from "./alert-outbox.js";
import { openStore } from "./open.js";
import type { Store } from "./store.js";
import { guidance } from "./testing/seed.js";
import { DIALECTS, freshPgDatabase, type TestDialect } from "./testing/stores.js";

const dirs: string[] = [];
const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function twoReplicas(dialect: TestDialect): Promise<[Store, Store]> {
  let url: string;
  if (dialect === "postgres") url = await freshPgDatabase();
  else {
    const dir = mkdtempSync(join(tmpdir(), "n1radar-replicas-"));
    dirs.push(dir);
    url = join(dir, "n1radar.db");
  }
  const a = await openStore(url);
  const b = await openStore(url);
  open.push(a, b);
  return [a, b];
}

const DESTINATIONS = ["one", "two", "three"].map((name) => ({
  name,
  type: "webhook",
  url: `https://example.com/${name}`,
  secret: null,
  filter: {},
}));

/** One delivery per event per destination, ids naming both. */
const plan = (input: FanOutInput) => ({
  deliveries: input.events.flatMap((e) =>
    input.destinations.map((d) => ({
      id: `${d.id}/${e.id}`,
      destinationId: d.id,
      kind: "alert" as const,
      event: e.event,
      offenderIds: [e.offenderId],
      body: "{}",
    })),
  ),
  notified: [],
  forget: [],
});

async function newOffenders(store: Store, n: number): Promise<void> {
  const acc = new FindingAccumulator(offenderId);
  for (let i = 0; i < n; i++)
    acc.addTrace([makeFinding({ fingerprint: `f${i}`, endpoint: `GET /e${i}`, seenAtMs: 1_000 }) as Finding]);
  await store.recordDeltas(
    acc.drain().map((delta) => ({ delta, guidance: () => guidance })),
    { nowMs: 1_000 },
  );
}

describe.each(DIALECTS)("%s", (dialect) => {
  it("plans each alert event once when both replicas fan out at the same time", async () => {
    const [a, b] = await twoReplicas(dialect);
    await a.syncEnvDestinations(DESTINATIONS, 0);
    await newOffenders(a, 20);
    const options = { nowMs: 5_000, groupWaitMs: 0, maxEvents: 5 };
    let planned = 0;
    for (let round = 0; round < 10; round++) {
      const [x, y] = await Promise.all([
        a.fanOutAlertEvents(options, plan),
        b.fanOutAlertEvents(options, plan),
      ]);
      planned += x + y;
    }
    expect(planned).toBe(20);
    const all = await a.listDeliveries({ limit: 500 });
    expect(all).toHaveLength(60);
    expect(new Set(all.map((d) => d.delivery.id)).size).toBe(60);
  });

  it("lets one replica claim each due delivery, a destination's messages all with one of them", async () => {
    const [a, b] = await twoReplicas(dialect);
    await a.syncEnvDestinations(DESTINATIONS, 0);
    await newOffenders(a, 4);
    await a.fanOutAlertEvents({ nowMs: 5_000, groupWaitMs: 0 }, plan);
    const [byA, byB] = await Promise.all([
      a.claimDueDeliveries(6_000, 100, 60_000),
      b.claimDueDeliveries(6_000, 100, 60_000),
    ]);
    const ids = [...byA, ...byB].map((d) => d.delivery.id);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    const owners = new Map<string, Set<string>>();
    for (const [who, list] of [
      ["a", byA],
      ["b", byB],
    ] as const)
      for (const d of list)
        owners.set(d.destination.id, (owners.get(d.destination.id) ?? new Set()).add(who));
    for (const [destination, who] of owners) expect(who.size, destination).toBe(1);
    // Claimed and unanswered: nobody else gets them until the lease ends...
    expect(await b.claimDueDeliveries(7_000, 100, 60_000)).toEqual([]);
    // ...or the claimer gives them back.
    await a.releaseDeliveries(byA.map((d) => d.delivery.id));
    expect((await b.claimDueDeliveries(7_000, 100, 60_000)).map((d) => d.delivery.id).sort()).toEqual(
      byA.map((d) => d.delivery.id).sort(),
    );
    // A claim that was never recorded expires: a replica that died does not hold its deliveries forever.
    const later = await a.claimDueDeliveries(6_000 + 60_001, 100, 60_000);
    expect(later.map((d) => d.delivery.id).sort()).toEqual(byB.map((d) => d.delivery.id).sort());
  });

  it("tells the other replica of a change, and never the one that made it", async () => {
    const [a, b] = await twoReplicas(dialect);
    const heardByA: unknown[] = [];
    const heardByB: unknown[] = [];
    await a.onChanges((change) => heardByA.push(change));
    await b.onChanges((change) => heardByB.push(change));
    await a.announceChange({ reason: "flush", offenders: 3 });
    await b.announceChange({ reason: "rules" });
    if (dialect === "postgres") {
      await expect.poll(() => heardByB).toEqual([{ reason: "flush", offenders: 3 }]);
      await expect.poll(() => heardByA).toEqual([{ reason: "rules" }]);
    } else {
      // One process per SQLite file: there is no other replica to tell.
      await new Promise((r) => setTimeout(r, 200));
      expect([heardByA, heardByB]).toEqual([[], []]);
    }
  });
});

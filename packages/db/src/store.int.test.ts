import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Finding } from "@n1radar/core";
import { makeFinding } from "@n1radar/core/testing";
import { FindingAccumulator } from "@n1radar/detector";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "./open.js";
import { getOffender, listOffenders } from "./query.js";
import { recordDeltas } from "./record.js";
import { offenders } from "./schema.js";
import { guidance } from "./testing/seed.js";

function finding(traceId: string, repeats: number, seenAtMs: number, endpoint = "GET /posts"): Finding {
  return makeFinding({
    traceId,
    endpoint,
    dbSystem: "sqlite",
    fingerprint: "abc",
    sourceStatement: "SELECT * FROM posts",
    repeats,
    seenAtMs,
    code: { function: "list_posts", file: "app.py", line: 12 },
  });
}

/** Runs findings (one array per trace) through the accumulator and the store, as the server does per flush. */
function flush(store: ReturnType<typeof openSqliteStore>, traces: Finding[][]): void {
  const acc = new FindingAccumulator();
  for (const t of traces) acc.addTrace(t);
  recordDeltas(
    store.db,
    acc.drain().map((delta) => ({ delta, guidance })),
  );
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const HOUR = 3_600_000;

describe("store", () => {
  it("aggregates findings per offender across flushes in a real SQLite file that survives a reopen", () => {
    const dir = mkdtempSync(join(tmpdir(), "n1radar-db-"));
    dirs.push(dir);
    const url = join(dir, "sub", "n1radar.db");
    const store = openSqliteStore(url);
    flush(store, [[finding("t1", 5, 1000)], [finding("t2", 9, HOUR + 3000)]]);
    flush(store, [[finding("t3", 7, 2000)], [finding("t1", 20, 1500, "GET /other")]]);
    store.close();

    const reopened = openSqliteStore(url);
    const list = listOffenders(reopened.db, { limit: 10, offset: 0 });
    expect(list.map((o) => o.endpoint)).toEqual(["GET /other", "GET /posts"]); // ranked by time wasted
    const id = list[1]?.id as string;
    const o1 = getOffender(reopened.db, id);
    expect(o1).toMatchObject({
      repeats: 9,
      repeatsMedian: 7,
      traces: 3,
      occurrences: 3,
      wastedMs: 4 + 8 + 6,
      firstSeen: new Date(1000).toISOString(),
      lastSeen: new Date(HOUR + 3000).toISOString(),
      sampleTraceId: "t2",
      code: { function: "list_posts", file: "app.py", line: 12 },
    });
    expect(o1?.exampleTraceIds).toEqual(["t3", "t2", "t1"]);
    expect(o1?.history).toEqual([
      { at: new Date(0).toISOString(), occurrences: 2, wastedMs: 10, repeatsMax: 7 },
      { at: new Date(HOUR).toISOString(), occurrences: 1, wastedMs: 8, repeatsMax: 9 },
    ]);
    expect(getOffender(reopened.db, "missing")).toBeNull();
    reopened.close();
  });

  it("counts a trace once even when it shows the offender twice", () => {
    const store = openSqliteStore(":memory:");
    flush(store, [[finding("t1", 5, 1000), finding("t1", 6, 1001)]]);
    expect(listOffenders(store.db, { limit: 1, offset: 0 })[0]).toMatchObject({
      traces: 1,
      occurrences: 2,
      repeats: 6,
    });
    store.close();
  });

  it("marks a resolved offender seen again as regressed", () => {
    const store = openSqliteStore(":memory:");
    flush(store, [[finding("t1", 5, 1000)]]);
    const id = listOffenders(store.db, { limit: 1, offset: 0 })[0]?.id as string;
    store.db
      .update(offenders)
      .set({ status: "resolved", statusChangedAt: 2000 })
      .where(eq(offenders.id, id))
      .run();
    flush(store, [[finding("t2", 5, 1500)]]);
    expect(getOffender(store.db, id)?.status).toBe("resolved"); // seen before it was resolved: late data
    flush(store, [[finding("t3", 5, 2500)]]);
    expect(getOffender(store.db, id)?.status).toBe("regressed");
    store.close();
  });
});

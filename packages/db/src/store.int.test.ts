import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Finding, FindingAccumulator } from "@n1radar/core";
import { makeFinding } from "@n1radar/core/testing";
import { offenderId } from "@n1radar/detector";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "./open.js";
import type { Store } from "./store.js";
import { guidance } from "./testing/seed.js";
import { DIALECTS, freshPgDatabase, openTestStore, type TestDialect } from "./testing/stores.js";

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
async function flush(store: Store, traces: Finding[][]): Promise<void> {
  const acc = new FindingAccumulator(offenderId);
  for (const t of traces) acc.addTrace(t);
  await store.recordDeltas(acc.drain().map((delta) => ({ delta, guidance: () => guidance })));
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A DATABASE_URL that outlives its store: a real SQLite file, or a fresh PostgreSQL database. */
async function durableUrl(dialect: TestDialect): Promise<string> {
  if (dialect === "postgres") return freshPgDatabase();
  const dir = mkdtempSync(join(tmpdir(), "n1radar-db-"));
  dirs.push(dir);
  return join(dir, "sub", "n1radar.db");
}

const HOUR = 3_600_000;

describe.each(DIALECTS)("%s", (dialect) => {
  describe("store", () => {
    it("aggregates findings per offender across flushes, and they survive a reopen", async () => {
      const url = await durableUrl(dialect);
      const store = await openStore(url);
      expect(store.dialect).toBe(dialect);
      await flush(store, [[finding("t1", 5, 1000)], [finding("t2", 9, HOUR + 3000)]]);
      await flush(store, [[finding("t3", 7, 2000)], [finding("t1", 20, 1500, "GET /other")]]);
      await store.close();

      const reopened = await openStore(url);
      const list = (await reopened.findOffenders({ limit: 10, offset: 0 }, Date.now())).findings;
      expect(list.map((o) => o.endpoint)).toEqual(["GET /other", "GET /posts"]); // ranked by time wasted
      const id = list[1]?.id as string;
      const o1 = await reopened.getOffender(id);
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
      expect(await reopened.getOffender("missing")).toBeNull();
      await reopened.close();
    });

    it("counts a trace once even when it shows the offender twice", async () => {
      const store = await openTestStore(dialect);
      await flush(store, [[finding("t1", 5, 1000), finding("t1", 6, 1001)]]);
      expect((await store.findOffenders({ limit: 1, offset: 0 }, Date.now())).findings[0]).toMatchObject({
        traces: 1,
        occurrences: 2,
        repeats: 6,
      });
      await store.close();
    });

    it("marks a resolved offender seen again as regressed", async () => {
      const store = await openTestStore(dialect);
      await flush(store, [[finding("t1", 5, 1000)]]);
      const id = (await store.findOffenders({ limit: 1, offset: 0 }, Date.now())).findings[0]?.id as string;
      await store.setOffenderStatus(id, "resolved", 2000);
      await flush(store, [[finding("t2", 5, 1500)]]);
      expect((await store.getOffender(id))?.status).toBe("resolved"); // seen before it was resolved: late data
      await flush(store, [[finding("t3", 5, 2500)]]);
      expect((await store.getOffender(id))?.status).toBe("regressed");
      await store.close();
    });

    it("keeps counts exact when several writers record the same offenders at once", async () => {
      const url = await durableUrl(dialect);
      // Four stores on one database (replicas, in PostgreSQL's case), each writing 25 flushes of 3 offenders.
      const writers = await Promise.all([1, 2, 3, 4].map(() => openStore(url)));
      await Promise.all(
        writers.map(async (store, w) => {
          for (let i = 0; i < 25; i++)
            await flush(
              store,
              ["GET /a", "GET /b", "GET /c"].map((endpoint) => [
                finding(`w${w}-${i}`, 5 + (i % 3), 1000 + i, endpoint),
              ]),
            );
        }),
      );
      const list = (await writers[0]!.findOffenders({ limit: 10, offset: 0 }, Date.now())).findings;
      expect(list).toHaveLength(3);
      for (const o of list) expect(o).toMatchObject({ traces: 100, occurrences: 100, repeats: 7 });
      const detail = await writers[0]!.getOffender(list[0]!.id);
      expect(detail?.history.reduce((n, h) => n + h.occurrences, 0)).toBe(100);
      await Promise.all(writers.map((s) => s.close()));
    });
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Finding, Guidance } from "@n1radar/core";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "./open.js";
import { getOffender, listOffenders } from "./query.js";
import { recordFindings } from "./record.js";

const guidance: Guidance = {
  orm: null,
  ormName: "SQL",
  confidence: 0,
  summary: "batch it",
  why: "why",
  before: null,
  after: null,
  verify: "verify",
};

function finding(traceId: string, repeats: number, seenAtMs: number, endpoint = "GET /posts"): Finding {
  return {
    kind: "n_plus_one",
    traceId,
    service: "blog",
    endpoint,
    dbSystem: "sqlite",
    statement: "SELECT * FROM authors WHERE id = ?",
    fingerprint: "abc",
    sourceStatement: "SELECT * FROM posts",
    repeats,
    totalMs: repeats,
    wastedMs: repeats - 1,
    seenAtMs,
    scopeName: null,
    sdkLanguage: null,
    code: { function: "list_posts", file: "app.py", line: 12 },
    spans: [],
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("store", () => {
  it("aggregates findings per offender in a real SQLite file that survives a reopen", () => {
    const dir = mkdtempSync(join(tmpdir(), "n1radar-db-"));
    dirs.push(dir);
    const url = join(dir, "sub", "n1radar.db");
    const store = openStore(url);
    recordFindings(store.db, [
      { offenderId: "o1", finding: finding("t1", 5, 1000), guidance },
      { offenderId: "o1", finding: finding("t2", 9, 3000), guidance },
      { offenderId: "o1", finding: finding("t3", 7, 2000), guidance },
      { offenderId: "o2", finding: finding("t1", 20, 1500, "GET /other"), guidance },
    ]);
    store.close();

    const reopened = openStore(url);
    const list = listOffenders(reopened.db, { limit: 10, offset: 0 });
    expect(list.map((o) => o.id)).toEqual(["o2", "o1"]); // ranked by time wasted
    const o1 = getOffender(reopened.db, "o1");
    expect(o1).toMatchObject({
      repeats: 9,
      repeatsMedian: 7,
      traces: 3,
      wastedMs: 4 + 8 + 6,
      firstSeen: new Date(1000).toISOString(),
      lastSeen: new Date(3000).toISOString(),
      sampleTraceId: "t2",
      code: { function: "list_posts", file: "app.py", line: 12 },
    });
    expect(o1?.exampleTraceIds).toEqual(["t2", "t3", "t1"]);
    expect(getOffender(reopened.db, "missing")).toBeNull();
    reopened.close();
  });

  it("counts a trace once even when it shows the offender twice", () => {
    const store = openStore(":memory:");
    recordFindings(store.db, [
      { offenderId: "o1", finding: finding("t1", 5, 1000), guidance },
      { offenderId: "o1", finding: finding("t1", 6, 1001), guidance },
    ]);
    expect(getOffender(store.db, "o1")).toMatchObject({ traces: 1, repeats: 6 });
    store.close();
  });
});

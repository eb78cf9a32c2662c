import { SpanKind, type SpanRecord } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { detect } from "./detect.js";
import { defaultDetectorSettings } from "./settings.js";
import { dbCall, traceBuilder } from "./testing/spans.js";

const ORM = { name: "opentelemetry.instrumentation.sqlalchemy", version: "0.66b1" };
const DRIVER = { name: "opentelemetry.instrumentation.sqlite3", version: "0.66b1" };
const AUTHOR = "SELECT authors.id, authors.name FROM authors WHERE authors.id = ?";

/**
 * `opentelemetry-bootstrap` installs SQLAlchemy's instrumentation and the driver's (sqlite3, psycopg) together:
 * each execute is then a SQLAlchemy span and, inside its time, a DB-API span of the same statement, both
 * children of the request (neither instrumentation makes its span current). Recorded so in corpus/sqlalchemy.
 */
function doubledLoop(rows: number) {
  const t = traceBuilder();
  const root = t.request("/posts");
  t.query(root, "SELECT posts.id, posts.author_id FROM posts LIMIT ?", { scope: ORM });
  for (let i = 0; i < rows; i++) {
    const db = dbCall({ system: "sqlite", statement: AUTHOR, namespace: "blog.db" });
    t.wrap(root, "SELECT blog.db", () => t.query(root, AUTHOR, { scope: DRIVER, ms: 0.1 }), {
      kind: SpanKind.Client,
      scope: ORM,
      db,
    });
  }
  return t.spans;
}

const findings = (spans: SpanRecord[]) => detect(spans, defaultDetectorSettings);

describe("one execution recorded by the ORM's and the driver's instrumentation", () => {
  it("counts once per execution, under the ORM's scope", () => {
    const [f, ...rest] = findings(doubledLoop(6));
    expect(rest).toEqual([]);
    expect(f?.repeats).toBe(6);
    expect(f?.scopeName).toBe(ORM.name);
  });

  it("leaves a short loop under the threshold (3 rows, 6 spans)", () => {
    expect(findings(doubledLoop(3))).toEqual([]);
  });

  it("pairs each driver span with its own ORM span when asyncio interleaves them (asyncio.gather)", () => {
    const t = traceBuilder();
    const root = t.request("/posts");
    const at = (scope: typeof ORM, start: number, end: number) =>
      t.query(root, AUTHOR, { scope, startMs: root.startMs + start, endMs: root.startMs + end });
    // execution k: the ORM span [k, 40 - 5k]; the driver spans start once all six are open, the last first
    // ([15 - k, 39 - 5k]), so an earlier, looser ORM span also holds a driver span: pairing it with the first
    // one that fits would leave execution 0's driver span unpaired
    for (let k = 0; k < 6; k++) at(ORM, k, 40 - 5 * k);
    for (let k = 5; k >= 0; k--) at(DRIVER, 15 - k, 39 - 5 * k);
    const [f] = findings(t.spans);
    expect(f?.repeats).toBe(6);
    expect(f?.parallel).toBe(true);
  });

  it("does not merge overlapping calls of one instrumentation (a fan-out)", () => {
    const t = traceBuilder();
    const root = t.request("/posts");
    t.parallel(root, 6, (i) => `SELECT * FROM authors WHERE id = ${i}`, 5);
    const [f] = findings(t.spans);
    expect(f?.repeats).toBe(6);
    expect(f?.parallel).toBe(true);
  });

  it("does not merge the same statement from two instrumentations run one after the other", () => {
    const t = traceBuilder();
    const root = t.request("/posts");
    for (let i = 0; i < 3; i++) {
      t.query(root, AUTHOR, { scope: ORM });
      t.query(root, AUTHOR, { scope: DRIVER });
    }
    expect(findings(t.spans)[0]?.repeats).toBe(6);
  });
});

import { describe, expect, it } from "vitest";
import { guidanceFor } from "./guidance.js";
import { ServiceOrms } from "./service-orm.js";
import type { GuidanceInput } from "./types.js";

/** A Sequelize app on PostgreSQL with only the pg driver instrumented: the SQL is the only clue. */
const PG = { scopeName: "@opentelemetry/instrumentation-pg", sdkLanguage: "nodejs", repeats: 8, totalMs: 9 };
const finding = (service: string, statement: string, over: Partial<GuidanceInput> = {}): GuidanceInput => ({
  ...PG,
  service,
  statement,
  sourceStatement: null,
  ...over,
});
const READS = [
  'SELECT "Post"."id", "Post"."title" FROM "posts" AS "Post"',
  'SELECT "id", "name" FROM "authors" AS "Author" WHERE "Author"."id" = ?',
];
const INSERT = 'INSERT INTO "post_tags" ("id", "post_id", "tag_id") VALUES (DEFAULT, ?, ?) RETURNING "id"';
const UPDATE = 'UPDATE "posts" SET "view_count"=?,"updated_at"=? WHERE "id" = ?';

function sequelizeService(name = "blog"): ServiceOrms {
  const orms = new ServiceOrms();
  orms.observe(finding(name, READS[1] as string, { sourceStatement: READS[0] as string }));
  return orms;
}

describe("the ORM of a service", () => {
  it("names Sequelize for an INSERT loop that alone reads like Drizzle, with the confidence lowered", () => {
    const alone = guidanceFor(finding("blog", INSERT, { kind: "repeated_write" }));
    expect(alone.orm).toBe("drizzle"); // the statement alone: a weak, wrong guess
    const orms = sequelizeService();
    expect(orms.ormOf("blog")).toMatchObject({ orm: "sequelize", statements: 2, of: 2 });
    const g = guidanceFor(finding("blog", INSERT, { kind: "repeated_write" }), orms);
    expect(g.orm).toBe("sequelize");
    expect(g.after).toContain("bulkCreate");
    expect(g.confidence).toBeLessThan(orms.ormOf("blog")?.confidence ?? 0);
    expect(g.evidence?.join("\n")).toMatch(/other statements name Sequelize.*\n.*looks like Drizzle/s);
  });

  it("names the service's ORM for a statement that alone names none, a little less sure", () => {
    const orms = sequelizeService();
    expect(guidanceFor(finding("blog", UPDATE, { kind: "repeated_write" })).orm).toBeNull();
    const g = guidanceFor(finding("blog", UPDATE, { kind: "repeated_write" }), orms);
    expect(g.orm).toBe("sequelize");
    expect(g.confidence).toBeCloseTo((orms.ormOf("blog")?.confidence ?? 0) * 0.9, 2);
  });

  it("reads another service, and a service with no confident statement, as before", () => {
    const orms = sequelizeService("blog");
    expect(guidanceFor(finding("shop", UPDATE), orms).orm).toBeNull();
    const weak = new ServiceOrms();
    weak.observe(finding("blog", UPDATE));
    expect(weak.ormOf("blog")).toBeNull();
  });

  it("names no ORM when the service's statements disagree (never a confident wrong ORM)", () => {
    const orms = sequelizeService();
    // The same service also runs Prisma (its scope is decisive): two data layers, half the statements each.
    const prisma = { scopeName: "prisma", statement: "SELECT `main`.`Tag`.`id` FROM `main`.`Tag` WHERE 1=1" };
    orms.observe(finding("blog", prisma.statement, { scopeName: prisma.scopeName }));
    orms.observe(
      finding("blog", "SELECT `main`.`Comment`.`id` FROM `main`.`Comment`", { scopeName: "prisma" }),
    );
    expect(orms.ormOf("blog")).toBeNull();
    expect(guidanceFor(finding("blog", UPDATE), orms).orm).toBeNull();
  });

  it("keeps a statement's own decisive clue over the service's ORM", () => {
    const orms = sequelizeService();
    const g = guidanceFor(
      finding("blog", "SELECT `main`.`Tag`.`id` FROM `main`.`Tag`", { scopeName: "prisma" }),
      orms,
    );
    expect(g.orm).toBe("prisma");
  });

  it("learns from the statements of the sampled request, and never from its own carried answers", () => {
    const orms = new ServiceOrms();
    const spans = READS.map((statement, i) => ({
      spanId: String(i),
      parentSpanId: null,
      name: "pg.query",
      offsetMs: i,
      durationMs: 1,
      statement,
      repeated: false,
    }));
    orms.observe(finding("blog", UPDATE, { spans }));
    expect(orms.ormOf("blog")?.orm).toBe("sequelize");
    const carried = new ServiceOrms();
    carried.observe(finding("blog", UPDATE));
    guidanceFor(finding("blog", UPDATE), carried);
    expect(carried.ormOf("blog")).toBeNull();
  });

  it("remembers stored guidance recognised on its own, not guidance carried from the service", () => {
    const orms = sequelizeService();
    const own = guidanceFor(finding("blog", READS[1] as string), orms);
    const carried = guidanceFor(finding("blog", UPDATE), orms);
    expect([own.orm, carried.orm]).toEqual(["sequelize", "sequelize"]);
    const fromCarried = new ServiceOrms();
    fromCarried.rememberStored("blog", UPDATE, carried);
    expect(fromCarried.ormOf("blog")).toBeNull();
    const fromOwn = new ServiceOrms();
    fromOwn.rememberStored("blog", READS[1] as string, own);
    expect(fromOwn.ormOf("blog")?.orm).toBe("sequelize");
  });
});

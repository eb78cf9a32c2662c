import { SpanKind } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { detect } from "./detect.js";
import { defaultDetectorSettings } from "./settings.js";
import { T0, traceBuilder } from "./testing/spans.js";

const POSTS = "SELECT posts.id, posts.author_id FROM posts ORDER BY posts.id DESC LIMIT 20";
const author = (i: number) => `SELECT authors.id, authors.name FROM authors WHERE authors.id = ${i}`;
const run = (spans: Parameters<typeof detect>[0]) => detect(spans, defaultDetectorSettings);

describe("n_plus_one: classic 1+N", () => {
  it("finds the loop under the request, with its source query", () => {
    const t = traceBuilder();
    const root = t.request();
    t.query(root, POSTS);
    t.query(root, "SELECT * FROM site_settings");
    for (let i = 0; i < 6; i++) t.query(root, author(i), { ms: 2 });
    const [finding, ...rest] = run(t.spans);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      kind: "n_plus_one",
      service: "blog",
      endpoint: "GET /posts",
      dbKind: "sql",
      statement: "SELECT authors.id, authors.name FROM authors WHERE authors.id = ?",
      sourceStatement: "SELECT * FROM site_settings",
      chain: [],
      parallel: false,
      repeats: 6,
      totalMs: 12,
      wastedMs: 10,
      seenAtMs: root.startMs,
    });
    expect(finding?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(finding?.spans.filter((s) => s.repeated)).toHaveLength(6);
    expect(finding?.spans[0]).toMatchObject({ spanId: root.spanId, offsetMs: 0 });
  });

  it("finds Prisma's loops although every Prisma read ends in LIMIT ? OFFSET ? (not pages: no ORDER BY, or a key lookup)", () => {
    // Statements as Prisma 7 sent them (guidance/recorded/prisma.json): findUnique and findMany per post.
    const posts =
      "SELECT `main`.`Post`.`id`, `main`.`Post`.`authorId` FROM `main`.`Post` WHERE 1=1 LIMIT ? OFFSET ?";
    for (const repeated of [
      "SELECT `main`.`Author`.`id`, `main`.`Author`.`name` FROM `main`.`Author` WHERE (`main`.`Author`.`id` = ? AND 1=1) LIMIT ? OFFSET ?",
      "SELECT `main`.`Comment`.`id`, `main`.`Comment`.`postId` FROM `main`.`Comment` WHERE `main`.`Comment`.`postId` = ? LIMIT ? OFFSET ?",
    ]) {
      const t = traceBuilder();
      const root = t.request();
      t.query(root, posts);
      for (let i = 0; i < 5; i++) t.query(root, repeated);
      const findings = run(t.spans);
      expect(findings, repeated).toHaveLength(1);
      expect(findings[0]).toMatchObject({ kind: "n_plus_one", repeats: 5 });
    }
  });

  it("finds Prisma's ordered per-parent loads, which have the page shape, but still skips real page loops", () => {
    // Prisma 7, recorded (guidance/recorded/prisma.json one_to_many_where): findMany({ where, orderBy }) per post.
    const posts =
      "SELECT `main`.`Post`.`id`, `main`.`Post`.`authorId` FROM `main`.`Post` WHERE 1=1 LIMIT ? OFFSET ?";
    const commentsPerPost =
      "SELECT `main`.`Comment`.`id`, `main`.`Comment`.`body` FROM `main`.`Comment` WHERE (`main`.`Comment`.`postId` = ? AND `main`.`Comment`.`body` LIKE (? || '%')) ORDER BY `main`.`Comment`.`id` DESC LIMIT ? OFFSET ?";
    const loop = (first: string, repeated: string) => {
      const t = traceBuilder();
      const root = t.request();
      t.query(root, first);
      for (let i = 0; i < 5; i++) t.query(root, repeated);
      return run(t.spans);
    };
    expect(loop(posts, commentsPerPost)).toMatchObject([
      { kind: "n_plus_one", repeats: 5, sourceStatement: expect.stringContaining("FROM `main`.`Post`") },
    ]);
    // Django's app-label tables: blog_comment.post_id names blog_post.
    const django = loop(
      'SELECT "blog_post"."id" FROM "blog_post"',
      'SELECT "blog_comment"."id" FROM "blog_comment" WHERE "blog_comment"."post_id" = 7 ORDER BY "blog_comment"."id" ASC LIMIT 10 OFFSET 0',
    );
    expect(django).toHaveLength(1);
    // Paging through one post's comments follows a lookup of that post, not a list of posts: pages.
    const onePost =
      "SELECT `main`.`Post`.`id` FROM `main`.`Post` WHERE (`main`.`Post`.`id` = ? AND 1=1) LIMIT ? OFFSET ?";
    expect(loop(onePost, commentsPerPost)).toEqual([]);
    // A page loop whose key names another table than the query before it: pages.
    expect(loop("SELECT * FROM accounts", commentsPerPost)).toEqual([]);
  });

  it("reports N repeats with no distinct query before them, source null", () => {
    const t = traceBuilder();
    const root = t.request();
    for (let i = 0; i < 5; i++) t.query(root, author(i));
    expect(run(t.spans)).toMatchObject([{ repeats: 5, sourceStatement: null }]);
  });

  it("marks concurrent fan-out (Promise.all) as parallel", () => {
    const t = traceBuilder({ language: "nodejs" });
    const root = t.request();
    t.query(root, POSTS);
    t.parallel(root, 8, author);
    expect(run(t.spans)).toMatchObject([{ repeats: 8, parallel: true, sourceStatement: expect.any(String) }]);
  });

  it("reads a millisecond clock's rounding as sequential, not parallel (OpenTelemetry JS starts)", () => {
    const t = traceBuilder({ language: "nodejs" });
    const root = t.request();
    // Really 1.2 ms each, back to back; starts are cut to the millisecond, so each seems to begin up to 1 ms
    // before the previous one ended.
    for (let i = 0; i < 6; i++) {
      const start = Math.floor(T0 + 10 + i * 1.3);
      t.query(root, author(i), { startMs: start, endMs: start + 1.2 });
    }
    expect(run(t.spans)).toMatchObject([{ repeats: 6, parallel: false }]);
  });

  it("reports the code location when spans carry code.*", () => {
    const t = traceBuilder();
    const root = t.request();
    const code = { function: "PostList.get", file: "blog/views.py", line: 42 };
    for (let i = 0; i < 5; i++) t.wrap(root, "Author Load", (w) => t.query(w, author(i)), { code });
    expect(run(t.spans)[0]?.code).toEqual(code);
  });
});

describe("n_plus_one: wrapper spans are looked through", () => {
  it("ActiveRecord: a `User Load` span around each query", () => {
    const t = traceBuilder({ language: "ruby" });
    const root = t.request("/posts", "GET");
    const action = t.wrap(root, "PostsController#index", (c) => {
      t.wrap(c, "Post Load", (w) => t.query(w, POSTS));
      for (let i = 0; i < 7; i++) t.wrap(c, "User Load", (w) => t.query(w, author(i)));
    });
    const findings = run(t.spans);
    expect(findings).toMatchObject([{ repeats: 7, sourceStatement: expect.stringContaining("FROM posts") }]);
    expect(action.endMs).toBeGreaterThan(action.startMs);
  });

  it("Prisma: operation > engine > connection + db_query", () => {
    const t = traceBuilder({ language: "nodejs" });
    const root = t.request();
    for (let i = 0; i < 5; i++) {
      t.wrap(root, "prisma:client:operation", (op) => {
        t.wrap(op, "prisma:client:serialize", () => {});
        t.wrap(op, "prisma:engine:query", (q) => {
          t.call(q, { system: "postgresql" }, { name: "prisma:engine:connection" });
          t.query(
            q,
            `SELECT "public"."User"."id" FROM "public"."User" WHERE "public"."User"."id" = $1 LIMIT $2`,
            {
              name: "prisma:engine:db_query",
            },
          );
          t.wrap(q, "prisma:engine:serialize", () => {});
        });
      });
    }
    expect(run(t.spans)).toMatchObject([{ repeats: 5 }]);
  });

  it("Sequelize/TypeORM: a database span around the driver's database span counts once", () => {
    const t = traceBuilder({ language: "nodejs" });
    const root = t.request();
    for (let i = 0; i < 5; i++) {
      const sql = `SELECT id, name FROM users WHERE id = ${i}`;
      t.wrap(root, "SELECT", (outer) => t.query(outer, sql, { name: "pg.query:SELECT" }), {
        kind: SpanKind.Client,
        db: {
          system: "postgresql",
          statement: sql,
          operation: "SELECT",
          collection: "users",
          namespace: null,
          summary: null,
        },
      });
    }
    expect(run(t.spans)).toMatchObject([{ repeats: 5 }]);
  });

  it("SQLAlchemy/Hikari: connection-pool spans between (or around) the queries neither hide nor make one", () => {
    const t = traceBuilder();
    const root = t.request();
    for (let i = 0; i < 5; i++) {
      t.call(root, { system: "postgresql" }, { name: "connect" });
      t.wrap(root, "HikariDataSource.getConnection", (w) => t.query(w, author(i)));
    }
    expect(run(t.spans)).toMatchObject([{ repeats: 5 }]);
    const quiet = traceBuilder();
    const r2 = quiet.request();
    for (let i = 0; i < 10; i++) quiet.call(r2, { system: "postgresql" }, { name: "connect" });
    expect(run(quiet.spans)).toEqual([]);
  });

  it("a loop body span holding several queries groups by the loop's parent (render_post)", () => {
    const t = traceBuilder();
    const root = t.request("/feed");
    t.query(root, POSTS);
    for (let i = 0; i < 5; i++) {
      t.wrap(root, `render_post`, (w) => {
        t.query(w, author(i));
        t.query(w, `SELECT count(*) FROM likes WHERE post_id = ${i}`);
      });
    }
    const findings = run(t.spans);
    expect(findings.map((f) => [f.statement, f.repeats])).toEqual([
      ["SELECT authors.id, authors.name FROM authors WHERE authors.id = ?", 5],
      ["SELECT COUNT(*) FROM likes WHERE post_id = ?", 5],
    ]);
    expect(findings.every((f) => f.sourceStatement?.includes("FROM posts"))).toBe(true);
  });

  it("different spans that each hold a few repeats are not one loop", () => {
    const t = traceBuilder();
    const root = t.request();
    for (const name of ["load_header", "load_sidebar"]) {
      t.wrap(root, name, (w) => {
        for (let i = 0; i < 3; i++) t.query(w, author(i));
      });
    }
    expect(run(t.spans)).toEqual([]);
    // The twin: the same six lookups in one span are one loop.
    const one = traceBuilder();
    one.wrap(one.request(), "load_page", (w) => {
      for (let i = 0; i < 6; i++) one.query(w, author(i % 3));
    });
    expect(run(one.spans)).toMatchObject([{ repeats: 6 }]);
  });
});

describe("n_plus_one: nested loops (1+N+N²)", () => {
  const COMMENTS = (p: number) => `SELECT * FROM comments WHERE comments.post_id = ${p}`;
  const USER = (u: number) => `SELECT * FROM users WHERE users.id = ${u}`;

  it("reports one finding with its chain, interleaved under one parent", () => {
    const t = traceBuilder();
    const root = t.request();
    t.query(root, POSTS);
    for (let p = 0; p < 3; p++) {
      t.query(root, COMMENTS(p));
      for (let c = 0; c < 4; c++) t.query(root, USER(p * 10 + c), { ms: 0.5 });
    }
    const [finding, ...rest] = run(t.spans);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      statement: "SELECT * FROM users WHERE users.id = ?",
      sourceStatement: "SELECT * FROM comments WHERE comments.post_id = ?",
      repeats: 12,
      totalMs: 6,
    });
    expect(finding?.chain).toEqual([
      "SELECT posts.id, posts.author_id FROM posts ORDER BY posts.id DESC LIMIT ?",
      "SELECT * FROM comments WHERE comments.post_id = ?",
      "SELECT * FROM users WHERE users.id = ?",
    ]);
    // Both levels' waste: comments 3 - 1 = 2 ms, users 6 - 0.5 = 5.5 ms.
    expect(finding?.wastedMs).toBeCloseTo(7.5);
    expect(finding?.spans.filter((s) => s.repeated)).toHaveLength(15);
  });

  it("stays one finding when the outer level is long enough to be a loop of its own", () => {
    const t = traceBuilder();
    const root = t.request();
    t.query(root, POSTS);
    for (let p = 0; p < 6; p++) {
      t.query(root, COMMENTS(p));
      for (let c = 0; c < 2; c++) t.query(root, USER(p * 10 + c));
    }
    // repeats are the deepest level's; the time wasted is both levels' (comments 5 ms, users 11 ms).
    expect(run(t.spans).map((f) => [f.statement, f.repeats, f.chain.length, f.wastedMs])).toEqual([
      ["SELECT * FROM users WHERE users.id = ?", 12, 3, 16],
    ]);
  });

  it("finds the same chain through per-item spans (render_post > render_comment)", () => {
    const t = traceBuilder();
    const root = t.request();
    t.query(root, POSTS);
    for (let p = 0; p < 3; p++) {
      t.wrap(root, "render_post", (rp) => {
        t.query(rp, COMMENTS(p));
        for (let c = 0; c < 3; c++) t.wrap(rp, "render_comment", (rc) => t.query(rc, USER(c)));
      });
    }
    expect(run(t.spans)).toMatchObject([
      { repeats: 9, chain: [expect.any(String), expect.any(String), expect.any(String)] },
    ]);
  });

  it("finds the chain on a millisecond clock, where a level and the next share a start", () => {
    const t = traceBuilder({ language: "nodejs" });
    const root = t.request();
    t.query(root, POSTS, { startMs: T0, endMs: T0 + 0.4 });
    for (let p = 0; p < 5; p++) {
      const ms = T0 + 1 + p; // the comments query and its three author lookups all start in one millisecond
      t.query(root, COMMENTS(p), { startMs: ms, endMs: ms + 0.2 });
      for (let c = 0; c < 3; c++) t.query(root, USER(c), { startMs: ms, endMs: ms + 0.1 + c * 0.02 });
      // A post without comments in the same millisecond: two comments queries share a gap, so the comments
      // seem nested in the authors too; the denser reading must win, without a cycle.
      if (p === 2) t.query(root, COMMENTS(99), { startMs: ms, endMs: ms + 0.25 });
    }
    const findings = run(t.spans);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ statement: "SELECT * FROM users WHERE users.id = ?", repeats: 15 });
    expect(findings[0]?.chain).toHaveLength(3);
  });

  it("finds the chain when the middle level reads like a page (Prisma: ordered findMany per post, LIMIT ? OFFSET ?)", () => {
    // Statements as Prisma 7 sent them (corpus/prisma/p_nested): every read ends in LIMIT ? OFFSET ?, so the
    // ordered comments load per post has the shape of a page, which alone is never reported.
    const posts =
      "SELECT `main`.`posts`.`id` FROM `main`.`posts` WHERE 1=1 ORDER BY `main`.`posts`.`id` ASC LIMIT ? OFFSET ?";
    const comments =
      "SELECT `main`.`comments`.`id` FROM `main`.`comments` WHERE `main`.`comments`.`post_id` = ? ORDER BY `main`.`comments`.`id` ASC LIMIT ? OFFSET ?";
    const authors =
      "SELECT `main`.`authors`.`id` FROM `main`.`authors` WHERE (`main`.`authors`.`id` = ? AND 1=1) LIMIT ? OFFSET ?";
    const t = traceBuilder();
    const root = t.request();
    t.query(root, posts);
    for (let p = 0; p < 3; p++) {
      t.query(root, comments);
      for (let c = 0; c < 4; c++) t.query(root, authors);
    }
    const [finding, ...rest] = run(t.spans);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ repeats: 12, sourceStatement: expect.stringContaining("`post_id` = ?") });
    expect(finding?.statement).toContain("`main`.`authors`");
    expect(finding?.chain).toHaveLength(3);
  });

  it("a page loop is never reported itself, but a lookup per row inside it is, with the page as its outer level", () => {
    const page = "SELECT * FROM posts ORDER BY posts.id LIMIT 20 OFFSET ?";
    const t = traceBuilder();
    const root = t.request();
    for (let p = 0; p < 6; p++) t.query(root, page);
    expect(run(t.spans)).toEqual([]);
    for (let p = 0; p < 3; p++) {
      t.query(root, page);
      for (let r = 0; r < 3; r++) t.query(root, author(r));
    }
    const findings = run(t.spans);
    expect(findings.map((f) => [f.statement, f.repeats, f.chain.length])).toEqual([
      ["SELECT authors.id, authors.name FROM authors WHERE authors.id = ?", 9, 2],
    ]);
  });

  it("keeps two relations read in one loop body apart (post.author; post.category)", () => {
    const t = traceBuilder();
    const root = t.request();
    t.query(root, POSTS);
    for (let i = 0; i < 6; i++) {
      t.query(root, author(i));
      t.query(root, `SELECT * FROM categories WHERE id = ${i}`);
    }
    const findings = run(t.spans);
    expect(findings).toHaveLength(2);
    for (const f of findings)
      expect(f).toMatchObject({ chain: [], sourceStatement: expect.stringContaining("FROM posts") });
  });

  it("keeps two loops one after the other apart, both over the posts", () => {
    const t = traceBuilder();
    const root = t.request();
    t.query(root, POSTS);
    for (let i = 0; i < 5; i++) t.query(root, author(i));
    for (let i = 0; i < 5; i++) t.query(root, `SELECT * FROM categories WHERE id = ${i}`);
    const findings = run(t.spans);
    expect(
      findings.map((f) => [f.repeats, f.chain.length, f.sourceStatement?.includes("FROM posts")]),
    ).toEqual([
      [5, 0, true],
      [5, 0, true],
    ]);
  });
});

describe("n_plus_one: evidence", () => {
  it("never keeps a raw statement used as a span name", () => {
    const t = traceBuilder();
    const root = t.request();
    for (let i = 0; i < 5; i++) {
      const sql = `SELECT * FROM users WHERE email = 'user${i}@example.com'`;
      t.query(root, sql, { name: sql });
    }
    const [finding] = run(t.spans);
    expect(JSON.stringify(finding)).not.toContain("example.com");
    expect(finding?.spans[1]?.name).toBe("SELECT * FROM users WHERE email = ?");
  });
});

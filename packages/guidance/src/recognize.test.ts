import { describe, expect, it } from "vitest";
import { languageOf, type RecognitionInput, recognizeOrm } from "./recognize.js";

const none: RecognitionInput = {
  scopeName: null,
  sdkLanguage: null,
  statement: "SELECT 1",
  sourceStatement: null,
};
const AR_SQL = 'SELECT "authors".* FROM "authors" WHERE "authors"."id" = ? LIMIT ?';

describe("recognizeOrm", () => {
  it("knows each ORM's own instrumentation scope", () => {
    const cases: [string, string][] = [
      ["opentelemetry.instrumentation.sqlalchemy", "sqlalchemy"],
      ["OpenTelemetry::Instrumentation::ActiveRecord", "activerecord"],
      ["io.opentelemetry.hibernate-6.0", "hibernate"],
      ["@prisma/instrumentation", "prisma"],
      // What @prisma/instrumentation really reports (recorded/prisma.json): the client's tracer is "prisma".
      ["prisma", "prisma"],
      ["OpenTelemetry.Instrumentation.EntityFrameworkCore", "efcore"],
      ["@opentelemetry/instrumentation-typeorm", "typeorm"],
      ["opentelemetry_ecto", "ecto"],
    ];
    for (const [scopeName, orm] of cases) {
      const m = recognizeOrm({ ...none, scopeName });
      expect(m.orm, scopeName).toBe(orm);
      expect(m.confidence).toBeGreaterThan(0.7);
      expect(m.evidence[0]).toContain(scopeName);
    }
  });

  it("reads Eloquent's and GORM's write shapes, and keeps Rails' timestamp order apart", () => {
    const sql = (statement: string, sdkLanguage: string | null) =>
      recognizeOrm({ ...none, sdkLanguage, statement });
    expect(
      sql('INSERT INTO "comments" ("post_id", "body", "updated_at", "created_at") VALUES (?)', "php").orm,
    ).toBe("laravel");
    expect(sql('UPDATE "posts" SET "title" = ?, "updated_at" = ? WHERE "id" = ?', "php").orm).toBe("laravel");
    expect(
      sql('INSERT INTO "comments" ("created_at", "updated_at", "deleted_at", "post_id") VALUES (?)', "go")
        .orm,
    ).toBe("gorm");
    // ActiveRecord stamps created_at before updated_at and qualifies its WHERE: not Eloquent.
    expect(
      sql(
        'INSERT INTO "comments" ("post_id", "body", "created_at", "updated_at") VALUES (?) RETURNING "id"',
        null,
      ).orm,
    ).not.toBe("laravel");
    expect(sql('UPDATE "posts" SET "title" = ?, "updated_at" = ? WHERE "posts"."id" = ?', null).orm).not.toBe(
      "laravel",
    );
  });

  it("reads SQLAlchemy 2.1's unlabelled columns through a driver's instrumentation, for a Python service", () => {
    // opentelemetry-instrumentation-sqlalchemy 0.66b1 refuses SQLAlchemy 2.1: only sqlite3's spans arrive
    const statement = "SELECT authors.id, authors.name FROM authors WHERE authors.id = ?";
    const scopeName = "opentelemetry.instrumentation.sqlite3";
    expect(recognizeOrm({ ...none, scopeName, sdkLanguage: "python", statement }).orm).toBe("sqlalchemy");
    // not from the shape alone without a language, and never for another language
    expect(recognizeOrm({ ...none, statement }).orm).toBe(null);
    expect(recognizeOrm({ ...none, sdkLanguage: "java", statement }).orm).not.toBe("sqlalchemy");
    // hand-written SQL with bare columns stays unattributed
    const bare = "SELECT id, name FROM authors WHERE id = ?";
    expect(recognizeOrm({ ...none, scopeName, sdkLanguage: "python", statement: bare }).orm).toBe(null);
  });

  it("reads Django's writes on an app label with underscores, through the psycopg instrumentation", () => {
    // Recorded (corpus/django): Django 5.2 on psycopg 3; only the driver's spans carry the SQL.
    const scopeName = "opentelemetry.instrumentation.psycopg";
    for (const statement of [
      'INSERT INTO "django_blog_posttag" ("post_id", "tag_id") VALUES (?) RETURNING "django_blog_posttag"."id"',
      'UPDATE "django_blog_post" SET "view_count" = ? WHERE "django_blog_post"."id" = ?',
    ]) {
      expect(recognizeOrm({ ...none, scopeName, sdkLanguage: "python", statement }).orm, statement).toBe(
        "django",
      );
    }
  });

  it("reads Prisma's writes from their schema-qualified tables and self-aliased RETURNING", () => {
    const sql = (statement: string) => recognizeOrm({ ...none, sdkLanguage: "nodejs", statement });
    expect(
      sql(
        "INSERT INTO `main`.`Comment` (`body`, `postId`) VALUES (?) RETURNING `id` AS `id`, `body` AS `body`",
      ).orm,
    ).toBe("prisma");
    expect(sql('UPDATE "public"."Post" SET "title" = ? WHERE "public"."Post"."id" = ?').orm).toBe("prisma");
    // Unqualified tables and plain RETURNING are other ORMs' (MikroORM, Sequelize, Drizzle): never Prisma.
    expect(sql("INSERT INTO `post_tags` (`post_id`, `tag_id`) VALUES (?) RETURNING `id`").orm).not.toBe(
      "prisma",
    );
    expect(sql("INSERT INTO `post_tags` (`id`,`post_id`,`tag_id`) VALUES (NULL,$?,$?)").orm).not.toBe(
      "prisma",
    );
    expect(sql('UPDATE "posts" SET "view_count" = ? WHERE "posts"."id" = ?').orm).not.toBe("prisma");
  });

  it("reads Drizzle's query builder from its SQL, and not Sequelize's aliased selects", () => {
    const sql = (statement: string) => recognizeOrm({ ...none, sdkLanguage: "nodejs", statement });
    expect(sql('SELECT "id", "name" FROM "authors" WHERE "authors"."id" = ?').orm).toBe("drizzle");
    expect(sql('UPDATE "posts" SET "view_count" = ? WHERE "posts"."id" = ?').orm).toBe("drizzle");
    expect(sql('SELECT "id", "name" FROM "authors" AS "Author" WHERE "Author"."id" = ?').orm).not.toBe(
      "drizzle",
    );
    // Python never yields a Node ORM, whatever the SQL looks like.
    expect(
      recognizeOrm({ ...none, sdkLanguage: "python", statement: 'SELECT "id" FROM "a" WHERE "a"."id" = ?' })
        .orm,
    ).not.toBe("drizzle");
  });

  it("reads ORM span names: ActiveRecord's 'Author Load', Prisma's engine spans, GORM's callbacks", () => {
    const span = (name: string) => [
      { spanId: "1", parentSpanId: null, name, offsetMs: 0, durationMs: 1, statement: null, repeated: true },
    ];
    expect(recognizeOrm({ ...none, spans: span("Author Load") }).orm).toBe("activerecord");
    expect(recognizeOrm({ ...none, spans: span("prisma:engine:db_query") }).orm).toBe("prisma");
    expect(recognizeOrm({ ...none, spans: span("gorm.Query") }).orm).toBe("gorm");
    expect(recognizeOrm({ ...none, spans: span("blog.repo.query:authors") }).orm).toBe("ecto");
    expect(recognizeOrm({ ...none, spans: span("Session.find com.example.Author") }).orm).toBe("hibernate");
    expect(recognizeOrm({ ...none, spans: span("Post query") }).orm).toBe("activerecord");
    expect(recognizeOrm({ ...none, spans: span("Post#save") }).orm).toBe("activerecord");
    expect(recognizeOrm({ ...none, spans: span("Sequelize SELECT") }).orm).toBe("sequelize");
    expect(recognizeOrm({ ...none, spans: span("TypeORM find") }).orm).toBe("typeorm");
  });

  it("reads the Java agent's Hibernate query spans in both database conventions, never its JDBC spans", () => {
    const span = (name: string) => [
      { spanId: "1", parentSpanId: null, name, offsetMs: 0, durationMs: 1, statement: null, repeated: true },
    ];
    // Recorded (corpus/hibernate): the default names and those under OTEL_SEMCONV_STABILITY_OPT_IN=database.
    for (const name of [
      "SELECT n1radar.corpus.Post",
      "select n1radar.corpus.Post",
      "update n1radar.corpus.Post",
    ])
      expect(recognizeOrm({ ...none, sdkLanguage: "java", spans: span(name) }).orm, name).toBe("hibernate");
    for (const name of ["SELECT blog.posts", "select posts", "BATCH insert post_tags", "select blog"])
      expect(recognizeOrm({ ...none, sdkLanguage: "java", spans: span(name) }).orm, name).toBeNull();
  });

  it("reads code.* attributes", () => {
    const code = {
      function: "PostController.index",
      file: "/app/vendor/laravel/framework/src/Query.php",
      line: 1,
    };
    expect(recognizeOrm({ ...none, code }).orm).toBe("laravel");
  });

  it("never lets a Python service get a Ruby ORM, however Rails-like the SQL", () => {
    const m = recognizeOrm({
      ...none,
      statement: AR_SQL,
      scopeName: "opentelemetry.instrumentation.psycopg2",
    });
    expect(m.orm).not.toBe("activerecord");
    const bySdk = recognizeOrm({ ...none, statement: AR_SQL, sdkLanguage: "python" });
    expect(bySdk.orm).toBeNull();
    expect(bySdk.confidence).toBe(0);
  });

  it("a matching language makes the same SQL shape more certain", () => {
    const alone = recognizeOrm({ ...none, statement: AR_SQL });
    const ruby = recognizeOrm({ ...none, statement: AR_SQL, sdkLanguage: "ruby" });
    expect(alone.orm).toBe("activerecord");
    expect(ruby.confidence).toBeGreaterThan(alone.confidence);
    expect(ruby.evidence).toContain('telemetry.sdk.language "ruby"');
  });

  it("says unknown, not a guess, when the SQL fits two ORMs and nothing else tells them apart", () => {
    // Laravel's and GORM's Take() both emit this shape; only the language separates them.
    const sql = 'SELECT * FROM "authors" WHERE "authors"."id" = ? LIMIT ?';
    expect(recognizeOrm({ ...none, statement: sql }).orm).toBeNull();
    expect(recognizeOrm({ ...none, statement: sql, sdkLanguage: "php" }).orm).toBe("laravel");
    const soft = 'SELECT * FROM "authors" WHERE "authors"."id" = ? AND "authors"."deleted_at" IS NULL';
    const m = recognizeOrm({ ...none, statement: soft });
    expect(m.orm).toBeNull();
    expect(m.evidence.join(" ")).toMatch(/not sure enough/);
    expect(recognizeOrm({ ...none, statement: soft, sdkLanguage: "go" }).orm).toBe("gorm");
  });

  it("without an SDK language, a lone weak shape clue names no ORM (13 ORMs of 7 languages compete)", () => {
    // Real writes from the corpus that each match one other ORM's shape clue a little.
    const rails = 'UPDATE "posts" SET "view_count" = ? WHERE "posts"."id" = ?'; // Drizzle-like filter
    const sequelize = "INSERT INTO `post_tags` (`id`, `post_id`, `tag_id`) VALUES (?) ;";
    for (const statement of [rails, sequelize]) {
      const m = recognizeOrm({ ...none, statement });
      expect(m, statement).toMatchObject({ orm: null, confidence: 0 });
    }
    // The Rails UPDATE stays unnamed for Ruby too: it carries no Rails clue.
    expect(recognizeOrm({ ...none, statement: rails, sdkLanguage: "ruby" }).orm).toBeNull();
  });

  it("returns null with confidence 0 for hand-written SQL", () => {
    for (const statement of [
      "SELECT * FROM t WHERE t.x_id = ?",
      "SELECT id, name FROM users WHERE id = ?",
      "",
    ]) {
      const m = recognizeOrm({ ...none, statement });
      expect(m).toMatchObject({ orm: null, confidence: 0 });
    }
  });

  it("keeps confidence in 0..1 with every clue matching", () => {
    const m = recognizeOrm({
      scopeName: "opentelemetry.instrumentation.sqlalchemy",
      sdkLanguage: "python",
      statement: "SELECT count(*) AS count_1 FROM comments WHERE ? = comments.post_id",
      sourceStatement: "SELECT posts.id AS posts_id FROM posts",
      code: {
        function: "sqlalchemy.orm.strategies",
        file: "/site-packages/sqlalchemy/orm/loading.py",
        line: 1,
      },
    });
    expect(m.orm).toBe("sqlalchemy");
    expect(m.confidence).toBeGreaterThan(0.95);
    expect(m.confidence).toBeLessThanOrEqual(1);
  });
});

describe("Ecto's statements as its own OpenTelemetry instrumentation records them", () => {
  // open-telemetry/opentelemetry-erlang-contrib opentelemetry_ecto_test.exs asserts this db.statement.
  const statement = 'SELECT p0."id", p0."body", p0."user_id" FROM "posts" AS p0';

  it("names Ecto with the Erlang SDK's language, and from the a0 aliases alone", () => {
    expect(recognizeOrm({ ...none, sdkLanguage: "erlang", statement }).orm).toBe("ecto");
    expect(recognizeOrm({ ...none, statement }).orm).toBe("ecto");
    expect(
      recognizeOrm({ ...none, sdkLanguage: "erlang", scopeName: "opentelemetry_ecto", statement }).confidence,
    ).toBeGreaterThan(0.9);
  });
});

describe("Hibernate 5 column aliases", () => {
  // Hibernate's user guide (fetching-strategies-fetch-mode-select-example.sql), in the detector's display form.
  const perDepartment =
    "SELECT e.department_id AS departme3_1_0_, e.id AS id1_1_0_, e.username AS username2_1_1_ FROM Employee e WHERE e.department_id = ?";

  it("reads <column><n>_<n>_ aliases under any table alias, with or without an SDK language", () => {
    for (const sdkLanguage of ["java", null]) {
      const m = recognizeOrm({ ...none, sdkLanguage, statement: perDepartment });
      expect(m.orm, String(sdkLanguage)).toBe("hibernate");
      expect(m.confidence).toBeGreaterThanOrEqual(0.55);
    }
    expect(recognizeOrm({ ...none, statement: "SELECT d.id AS id1_0_ FROM Department d" }).orm).toBe(
      "hibernate",
    );
  });

  it("leaves ordinary column aliases alone", () => {
    for (const statement of [
      "SELECT count(*) AS total_1 FROM posts",
      'SELECT p.id AS "posts.id_1_" FROM posts p',
      "SELECT a.id AS author_id, b.id AS book_id FROM authors a JOIN books b ON b.author_id = a.id",
    ]) {
      expect(recognizeOrm({ ...none, sdkLanguage: "java", statement }).orm, statement).toBeNull();
    }
  });
});

describe("languageOf", () => {
  it("prefers the SDK language, then the scope convention, then the file extension", () => {
    expect(languageOf({ ...none, sdkLanguage: "JavaScript" })?.language).toBe("nodejs");
    expect(languageOf({ ...none, sdkLanguage: "elixir" })?.language).toBe("erlang");
    // What the Erlang/Elixir SDK really reports (opentelemetry-erlang otel_tracer_server: <<"erlang">>).
    expect(languageOf({ ...none, sdkLanguage: "erlang" })?.language).toBe("erlang");
    expect(languageOf({ ...none, scopeName: "opentelemetry_ecto" })?.language).toBe("erlang");
    expect(languageOf({ ...none, scopeName: "opentelemetry.instrumentation.dbapi" })?.language).toBe(
      "python",
    );
    expect(languageOf({ ...none, scopeName: "OpenTelemetry::Instrumentation::PG" })?.language).toBe("ruby");
    expect(languageOf({ ...none, scopeName: "OpenTelemetry.Instrumentation.SqlClient" })?.language).toBe(
      "dotnet",
    );
    expect(languageOf({ ...none, scopeName: "io.opentelemetry.jdbc" })?.language).toBe("java");
    expect(
      languageOf({ ...none, code: { function: null, file: "app/models/post.rb", line: 3 } })?.language,
    ).toBe("ruby");
    expect(languageOf(none)).toBeNull();
  });
});

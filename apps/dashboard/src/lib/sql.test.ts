import { describe, expect, it } from "vitest";
import { formatSql, highlightSql, type Token, tokenize } from "./sql";

const kinds = (sql: string) => tokenize(sql).filter((t) => t.kind !== "whitespace");
const pairs = (tokens: Token[]) => tokens.map((t) => [t.kind, t.text]);

// The token stream itself (lossless, every placeholder, quoting and comment) is tested in @n1radar/sql; these
// test what the dashboard adds: the function kind, names after a dot, the clause-per-line formatting.
describe("tokenize", () => {
  it("marks calls as functions, COUNT( included, on top of the stream's kinds", () => {
    expect(pairs(kinds('SELECT "p"."id", count(*) FROM posts p WHERE p.author_id = ? AND x > 1.5'))).toEqual([
      ["keyword", "SELECT"],
      ["quoted", '"p"'],
      ["punctuation", "."],
      ["quoted", '"id"'],
      ["punctuation", ","],
      ["function", "count"],
      ["punctuation", "("],
      ["operator", "*"],
      ["punctuation", ")"],
      ["keyword", "FROM"],
      ["identifier", "posts"],
      ["identifier", "p"],
      ["keyword", "WHERE"],
      ["identifier", "p"],
      ["punctuation", "."],
      ["identifier", "author_id"],
      ["operator", "="],
      ["placeholder", "?"],
      ["keyword", "AND"],
      ["identifier", "x"],
      ["operator", ">"],
      ["number", "1.5"],
    ]);
  });

  it("treats a keyword after a dot as a name, and [brackets] as quoted", () => {
    expect(kinds("t.order")[2]).toEqual({ kind: "identifier", text: "order" });
    expect(kinds("SELECT [name] FROM [dbo].[users]")[1]).toEqual({ kind: "quoted", text: "[name]" });
  });

  it("runs in linear time on hostile text", () => {
    const hostile = "'".repeat(100_000) + "(".repeat(50_000) + "/*".repeat(10_000) + "--";
    const started = performance.now();
    expect(
      tokenize(hostile)
        .map((t) => t.text)
        .join(""),
    ).toBe(hostile);
    formatSql(hostile);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("formatSql", () => {
  it("puts major clauses on their own lines and conditions indented", () => {
    expect(
      formatSql(
        "SELECT a, b FROM posts LEFT OUTER JOIN users ON users.id = posts.user_id WHERE a = ? AND b BETWEEN ? AND ? ORDER BY a DESC LIMIT ?",
      ),
    ).toBe(
      [
        "SELECT a, b",
        "FROM posts",
        "LEFT OUTER JOIN users ON users.id = posts.user_id",
        "WHERE a = ?",
        "  AND b BETWEEN ? AND ?",
        "ORDER BY a DESC",
        "LIMIT ?",
      ].join("\n"),
    );
  });

  it("indents subqueries but leaves lists and calls alone", () => {
    expect(
      formatSql("select count(*) from t where id in (select post_id from tags where name = ?) group by x"),
    ).toBe(
      [
        "select count(*)",
        "from t",
        "where id in (",
        "  select post_id",
        "  from tags",
        "  where name = ?",
        ")",
        "group by x",
      ].join("\n"),
    );
    expect(
      formatSql("INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT (a) DO UPDATE SET b = ? RETURNING id"),
    ).toBe(
      [
        "INSERT INTO t (a, b)",
        "VALUES (?, ?)",
        "ON CONFLICT (a) DO UPDATE",
        "SET b = ?",
        "RETURNING id",
      ].join("\n"),
    );
  });

  it("collapses whitespace and keeps a line comment from swallowing the next clause", () => {
    expect(formatSql("  SELECT\n\n  a   -- why\n FROM t  ")).toBe("SELECT a -- why\nFROM t");
  });

  it("changes nothing but whitespace", () => {
    const sql = "DELETE FROM t WHERE a IS DISTINCT FROM b UNION ALL SELECT x FROM (SELECT 1) s";
    expect(formatSql(sql).replace(/\s+/g, "")).toBe(sql.replace(/\s+/g, ""));
    expect(formatSql(sql)).toBe(
      [
        "DELETE FROM t",
        "WHERE a IS DISTINCT FROM b",
        "UNION ALL",
        "SELECT x",
        "FROM (",
        "  SELECT 1",
        ") s",
      ].join("\n"),
    );
  });

  it("highlights the formatted text", () => {
    const tokens = highlightSql("select 1 from t");
    expect(tokens.map((t) => t.text).join("")).toBe("select 1\nfrom t");
    expect(tokens[0]).toEqual({ kind: "keyword", text: "select" });
  });
});

import { cpuMs } from "@n1radar/core/testing";
import { describe, expect, it } from "vitest";
import { significant, tokenize, unquote } from "./tokens.js";

const pairs = (sql: string) => significant(tokenize(sql)).map((t) => [t.kind, t.text]);

describe("tokenize", () => {
  it("gives back exactly the text it was given, with each token's offset", () => {
    const samples = [
      "SELECT * FROM t WHERE a = ?",
      "select 'it''s' , \"x\"\"y\" from `t` -- tail\n# mysql\n/* open",
      "'unterminated",
      "<script>alert(1)</script> & 🙂 é",
      "$tag$ body $tag$ $$x$$ $1 ?2 %s %(id)s :name @p1 a::text E'\\n' x'ff'",
      "",
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const alphabet = "sS '\"`[]()$?:@%#-/*.,0123456789eExX\n\t\u00e9\ud83d\ude42";
    for (let n = 0; n < 300; n++)
      samples.push(Array.from({ length: 40 }, () => alphabet[random() % alphabet.length]).join(""));
    for (const sql of samples) {
      const tokens = tokenize(sql);
      expect(tokens.map((t) => t.text).join("")).toBe(sql);
      for (const t of tokens) expect(sql.slice(t.at, t.at + t.text.length)).toBe(t.text);
    }
  });

  it("tells keywords, names, quoted names, values and operators apart", () => {
    expect(
      pairs('SELECT "p"."id", count(*) FROM posts p WHERE p.author_id <> -1.5e3 AND x LIKE N\'a%\''),
    ).toEqual([
      ["keyword", "SELECT"],
      ["quoted", '"p"'],
      ["punctuation", "."],
      ["quoted", '"id"'],
      ["punctuation", ","],
      ["keyword", "count"],
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
      ["operator", "<>"],
      ["operator", "-"],
      ["number", "1.5e3"],
      ["keyword", "AND"],
      ["identifier", "x"],
      ["keyword", "LIKE"],
      ["string", "N'a%'"],
    ]);
  });

  it("knows every driver's placeholder and keeps a ::cast apart from a :name", () => {
    const found = significant(
      tokenize("a = $1 AND b = %s AND c = %(id)s AND d = :id AND e = @p1 AND f = ?3 AND g = ? AND h = $name"),
    )
      .filter((t) => t.kind === "placeholder")
      .map((t) => t.text);
    expect(found).toEqual(["$1", "%s", "%(id)s", ":id", "@p1", "?3", "?", "$name"]);
    expect(pairs("id=:id")).toEqual([
      ["identifier", "id"],
      ["operator", "="],
      ["placeholder", ":id"],
    ]);
    expect(pairs("g::text")).toEqual([
      ["identifier", "g"],
      ["operator", "::"],
      ["identifier", "text"],
    ]);
  });

  it("reads strings of every dialect whole, even unterminated", () => {
    expect(pairs("'a''b' 'c\\'d' $$x'y$$ $q$ z $q$ X'1F' [my col] `t` 'e")).toEqual([
      ["string", "'a''b'"],
      ["string", "'c\\'d'"],
      ["string", "$$x'y$$"],
      ["string", "$q$ z $q$"],
      ["string", "X'1F'"],
      ["quoted", "[my col]"],
      ["quoted", "`t`"],
      ["string", "'e"],
    ]);
  });

  it("reads numbers as one token: hex, decimals, exponents", () => {
    expect(pairs("0x1F 3.25 .5 1e-3 12abc")).toEqual([
      ["number", "0x1F"],
      ["number", "3.25"],
      ["number", ".5"],
      ["number", "1e-3"],
      ["number", "12"],
      ["identifier", "abc"],
    ]);
  });

  it("keeps comments whole and apart from the newline that ends them", () => {
    const tokens = tokenize("a -- c\n/* d */ # e\nb #1");
    expect(tokens.filter((t) => t.kind === "comment").map((t) => t.text)).toEqual(["-- c", "/* d */", "# e"]);
    expect(tokens.at(-2)?.text).toBe("#"); // `#1` is not a MySQL comment
  });

  it("runs in linear time on hostile text", () => {
    const hostile = `${"'".repeat(100_000)}${"(".repeat(50_000)}${"/*".repeat(10_000)}${"[a.".repeat(30_000)}--`;
    let text = "";
    // Quadratic rescanning of these takes many seconds of CPU; one pass takes milliseconds.
    expect(
      cpuMs(() => {
        text = tokenize(hostile)
          .map((t) => t.text)
          .join("");
      }),
    ).toBeLessThan(2000);
    expect(text).toBe(hostile);
  });
});

describe("unquote", () => {
  it("drops any dialect's quotes and leaves bare names alone", () => {
    expect(['"Author"', "`posts`", "[dbo]", "plain", '"open', "["].map(unquote)).toEqual([
      "Author",
      "posts",
      "dbo",
      "plain",
      "open",
      "",
    ]);
  });
});

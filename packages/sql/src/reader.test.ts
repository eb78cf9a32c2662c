import { describe, expect, it } from "vitest";
import { dottedNameAt, dottedNames, paramAt } from "./reader.js";
import { significant, tokenize } from "./tokens.js";

const tokens = (sql: string) => significant(tokenize(sql));

describe("dottedNameAt", () => {
  it("reads a qualified name's parts unquoted, the last three at most", () => {
    expect(dottedNameAt(tokens('"public"."Author"."id" = ?'), 0)).toEqual({
      parts: ["public", "Author", "id"],
      end: 5,
    });
    expect(dottedNameAt(tokens("db.s.t.order"), 0)?.parts).toEqual(["s", "t", "order"]);
    expect(dottedNameAt(tokens("[dbo].[Authors] AS a"), 0)?.parts).toEqual(["dbo", "Authors"]);
  });

  it("finds no name where a keyword, a value or punctuation starts", () => {
    expect(dottedNameAt(tokens("SELECT a"), 0)).toBeNull();
    expect(dottedNameAt(tokens("? = t.c"), 0)).toBeNull();
    expect(dottedNameAt(tokens("(a)"), 0)).toBeNull();
  });

  it("lists each dotted name once, from its first part", () => {
    expect([...dottedNames(tokens("a.b = c AND d.e.f IN (?)"))].map((n) => n.parts.join("."))).toEqual([
      "a.b",
      "c",
      "d.e.f",
    ]);
  });
});

describe("paramAt", () => {
  it("spans every placeholder style, TypeORM's spread and a cast", () => {
    const spans = (sql: string) => paramAt(tokens(sql), 0);
    expect(["?", "$1", ":id", "@p0", "%s", "%(id)s"].map(spans)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(spans(":...ids")).toBe(5);
    expect(spans("$1::INTEGER")).toBe(3);
  });

  it("spans nothing at a name, a number or an operator", () => {
    expect(["id", "42", "=", "::text", ":"].map((sql) => paramAt(tokens(sql), 0))).toEqual([0, 0, 0, 0, 0]);
  });
});

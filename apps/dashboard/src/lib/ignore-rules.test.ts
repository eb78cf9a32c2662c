import { describe, expect, it } from "vitest";
import { explainRule } from "./ignore-rules";

describe("explainRule", () => {
  it("says what each shape of rule matches", () => {
    expect(explainRule({ service: "blog", endpoint: null, statement: "SELECT a" })).toBe(
      "This query, on any endpoint of blog",
    );
    expect(explainRule({ service: "blog", endpoint: "GET /feed", statement: null })).toBe(
      "Every repeated query of GET /feed of blog",
    );
    expect(explainRule({ service: null, endpoint: "GET /x", statement: "SELECT a" })).toBe(
      "This query on GET /x of every service",
    );
    expect(explainRule({ service: null, endpoint: null, statement: null })).toBe(
      "Everything of every service",
    );
  });
});

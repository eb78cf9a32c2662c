import type { SpanRecord } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { detect } from "./detect.js";
import { defaultDetectorSettings } from "./settings.js";
import { T0, traceBuilder } from "./testing/spans.js";

const POSTS = "SELECT posts.id FROM posts";
const COMMENTS = "SELECT comments.id, comments.author_id FROM comments WHERE comments.post_id = 1";
const AUTHORS = "SELECT users.id, users.name FROM users WHERE users.id = 7";
const CATEGORY = "SELECT categories.id FROM categories WHERE categories.id = 3";
const run = (spans: SpanRecord[]) => detect(spans, defaultDetectorSettings);
const statements = (spans: SpanRecord[]) =>
  run(spans)
    .map((f) => f.statement)
    .sort();

/**
 * Six posts, two or three comments each, resolved the way graphql-js runs async resolvers: every post's
 * comments query starts at once; each post's author lookups start when its own comments query returns,
 * while the other posts' comments queries are still running (interleaved).
 */
function concurrentNested(withResolverSpans: boolean, depth: "nested" | "sibling" = "nested") {
  const t = traceBuilder({ language: "nodejs" });
  const root = t.request("/graphql", "POST");
  const at = (ms: number) => ({ startMs: T0 + ms, endMs: T0 + ms });
  const resolver = (parent: SpanRecord, name: string, start: number, end: number) =>
    t.wrap(parent, `graphql.resolve ${name}`, () => {}, { startMs: T0 + start, endMs: T0 + end });
  const posts = withResolverSpans ? resolver(root, "posts", 1, 40) : root;
  t.query(posts, POSTS, { ...at(1), endMs: T0 + 2 });
  for (let p = 0; p < 6; p++) {
    const item = withResolverSpans ? resolver(posts, `posts.${p}.comments`, 3, 30) : posts;
    const returned = 5 + p * 3; // comments of post p come back one after another
    t.query(item, COMMENTS, { startMs: T0 + 3 + p * 0.01, endMs: T0 + returned });
    const rows = depth === "nested" ? 2 + (p % 2) : 1;
    for (let c = 0; c < rows; c++) {
      const start = returned + 0.1 + c * 0.01;
      const under = withResolverSpans
        ? resolver(item, `posts.${p}.comments.${c}.author`, start, start + 4)
        : item;
      t.query(under, depth === "nested" ? AUTHORS : CATEGORY, { startMs: T0 + start, endMs: T0 + start + 4 });
    }
  }
  return t.spans;
}

describe("nested loops under concurrent, interleaved resolvers", () => {
  it("reads posts -> comments -> authors as one chain from the resolver spans", () => {
    const findings = run(concurrentNested(true));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      statement: "SELECT users.id, users.name FROM users WHERE users.id = ?",
      sourceStatement: "SELECT comments.id, comments.author_id FROM comments WHERE comments.post_id = ?",
      chain: [
        "SELECT posts.id FROM posts",
        "SELECT comments.id, comments.author_id FROM comments WHERE comments.post_id = ?",
        "SELECT users.id, users.name FROM users WHERE users.id = ?",
      ],
      repeats: 15,
    });
  });

  it("reads the same chain from time alone when no spans sit between the levels", () => {
    const findings = run(concurrentNested(false));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.chain).toHaveLength(3);
  });

  it("keeps one read per row of each relation as two loops, with or without resolver spans", () => {
    for (const spans of [true, false].map((r) => concurrentNested(r, "sibling"))) {
      const findings = run(spans);
      expect(findings.map((f) => f.chain)).toEqual([[], []]);
      expect(statements(spans)).toEqual([
        "SELECT categories.id FROM categories WHERE categories.id = ?",
        "SELECT comments.id, comments.author_id FROM comments WHERE comments.post_id = ?",
      ]);
    }
  });

  it("keeps two concurrent loops run one after the other apart (the second starts after the first ended)", () => {
    const t = traceBuilder({ language: "nodejs" });
    const root = t.request();
    t.query(root, POSTS);
    t.parallel(root, 6, () => COMMENTS, 3);
    t.parallel(root, 12, () => AUTHORS, 3);
    expect(run(t.spans).map((f) => f.chain)).toEqual([[], []]);
  });
});

import { describe, expect, it } from "vitest";
import { detect } from "./detect.js";
import { defaultDetectorSettings } from "./settings.js";
import { traceBuilder } from "./testing/spans.js";

const run = (spans: Parameters<typeof detect>[0]) => detect(spans, defaultDetectorSettings);

describe("repeated_write", () => {
  it("reports an INSERT per row as its own kind, with the rows' query as source", () => {
    const t = traceBuilder();
    const root = t.request("/import", "POST");
    t.query(root, "SELECT id, price FROM products WHERE sku IN (1, 2, 3)");
    for (let i = 0; i < 6; i++) {
      t.query(root, "BEGIN");
      t.query(root, `INSERT INTO line_items (product_id, qty) VALUES (${i}, 1)`);
      t.query(root, "COMMIT");
    }
    expect(run(t.spans)).toMatchObject([
      {
        kind: "repeated_write",
        statement: "INSERT INTO line_items (product_id, qty) VALUES (?)",
        sourceStatement: "SELECT id, price FROM products WHERE sku IN (?)",
        repeats: 6,
      },
    ]);
  });

  it("reports UPDATE per row wrapped in ORM save spans, and key-value writes", () => {
    const t = traceBuilder({ language: "ruby" });
    const root = t.request("/posts/publish", "POST");
    for (let i = 0; i < 5; i++)
      t.wrap(root, "Post Update", (w) => t.query(w, `UPDATE posts SET published = true WHERE id = ${i}`));
    for (let i = 0; i < 5; i++) t.call(root, { system: "redis", statement: `SET post:${i}:views 0` });
    expect(run(t.spans).map((f) => [f.kind, f.statement, f.dbKind])).toEqual([
      ["repeated_write", "UPDATE posts SET published = ? WHERE id = ?", "sql"],
      ["repeated_write", "redis SET post:?:?", "key_value"],
    ]);
  });

  it("does not fire on one multi-row INSERT, an executemany span, or writes under the threshold", () => {
    const t = traceBuilder();
    const root = t.request("/import", "POST");
    t.query(root, "INSERT INTO t (a, b) VALUES (1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12)");
    t.query(root, "INSERT INTO t (a, b) VALUES (%s, %s)", { name: "executemany" });
    for (let i = 0; i < 4; i++) t.query(root, `DELETE FROM sessions WHERE id = ${i}`);
    expect(run(t.spans)).toEqual([]);
    // The twin: one write more reaches the threshold, and only that loop fires.
    t.query(root, "DELETE FROM sessions WHERE id = 4");
    expect(run(t.spans)).toMatchObject([{ statement: "DELETE FROM sessions WHERE id = ?", repeats: 5 }]);
  });
});

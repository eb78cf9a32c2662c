import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { runCliCaptured } from "../testing/cli.js";
import { jsonOf, nPlusOneSpans } from "../testing/payloads.js";

const dir = mkdtempSync(join(tmpdir(), "n1radar-analyze-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const cli = (...args: string[]) => runCliCaptured(args, { columns: 140 });

describe("n1radar analyze", () => {
  const orders = () => text(jsonOf(nPlusOneSpans({ route: "/orders", repeats: 8 })));
  const clean = () => text(jsonOf(nPlusOneSpans({ route: "/health", repeats: 2 })));

  it("reads the Collector file exporter's JSON lines and prints a table", async () => {
    const path = file("traces.jsonl", `${orders()}\n${orders()}\n${clean()}\n`);
    const { code, stdout, stderr } = await cli("analyze", path);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("1 finding in 3 traces");
    expect(stdout).toMatch(/shop GET \/orders\s+8x N\+1\s+2\s+/);
    // The query column names the table and the WHERE clause, not the start of the column list.
    expect(stdout).toMatch(/WASTED\s+QUERY\n/);
    expect(stdout).toMatch(/2\s+[\d.]+ ms\s+SELECT customers WHERE id = \? · Order.customer\n/);
    expect(stdout).toContain("fix: ");
  });

  it("reads one request or an array of them, gzipped or not, and prints JSON", async () => {
    for (const [name, content] of [
      ["one.json", orders()],
      ["array.json", `[${orders()},${clean()}]`],
      ["one.json.gz", gzipSync(orders())],
    ] as const) {
      const { code, stdout } = await cli("analyze", file(name, content), "--json");
      expect(code).toBe(0);
      const { findings } = JSON.parse(stdout);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        kind: "n_plus_one",
        service: "shop",
        endpoint: "GET /orders",
        statement: "SELECT id, name FROM customers WHERE id = ?",
        sourceStatement: "SELECT id, customer_id FROM orders",
        repeats: 8,
        traces: 1,
        dbKind: "sql",
        guidance: { summary: expect.any(String) },
      });
    }
  });

  it("gates CI: exit 1 with --fail-on-findings when something is found, 0 when not", async () => {
    const path = file("gate.jsonl", `${orders()}\n`);
    expect((await cli("analyze", path, "--fail-on-findings")).code).toBe(1);
    expect((await cli("analyze", path, "--fail-on-findings", "--min-repeats", "9")).code).toBe(0);
    const ignore = file("n1radar.json", JSON.stringify({ ignore: [{ endpoint: "GET /orders" }] }));
    expect((await cli("analyze", path, "--fail-on-findings", "--config", ignore)).code).toBe(0);
  });

  it("exits 2 with one clear message on bad usage or input, never a stack trace", async () => {
    const cases: [string[], RegExp][] = [
      [[], /missing command/],
      [["analyze"], /missing <file>/],
      [["analyze", join(dir, "nope.json")], /cannot read .*nope\.json: no such file/],
      [
        ["analyze", file("bad.jsonl", `${orders()}\n{"resourceSpans": 5}\n`)],
        /line 2: invalid OTLP\/JSON payload/,
      ],
      [["analyze", file("empty.json", "  \n")], /the file is empty/],
      [["analyze", file("text.txt", "hello")], /expected OTLP\/JSON/],
      [["analyze", file("x.json", orders()), "--min-repeats", "one"], /--min-repeats expects an integer/],
      [["analyze", file("y.json", orders()), "--bogus"], /Unknown option '--bogus'/],
      [["analyze", file("z.json", orders()), "--config", file("c.json", '{"minRepeats": 1}')], /minRepeats/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr, stdout } = await cli(...args);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stdout).toBe("");
    }
    expect((await cli("--help")).stdout).toContain("Usage: n1radar analyze <file...>");
  });

  // The command as the README writes it, `npx n1radar analyze ...` at the repository root: npm links the
  // committed bin wrapper (bin/n1radar.js), which runs the build turbo made before these tests.
  const root = new URL("../../../../", import.meta.url).pathname;
  it("runs as npx n1radar from the repository root", () => {
    const path = file("npx.jsonl", `${orders()}\n`);
    let status = 0;
    let stdout = "";
    try {
      execFileSync("npx", ["--no-install", "n1radar", "analyze", path, "--fail-on-findings", "--json"], {
        cwd: root,
        stdio: "pipe",
      });
    } catch (error) {
      status = (error as { status: number }).status;
      stdout = String((error as { stdout: Buffer }).stdout);
    }
    expect(status).toBe(1);
    expect(JSON.parse(stdout).findings).toHaveLength(1);
  });
});

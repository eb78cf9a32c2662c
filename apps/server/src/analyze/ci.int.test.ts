import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import { afterAll, describe, expect, it } from "vitest";
import { runCliCaptured } from "../testing/cli.js";

const dir = mkdtempSync(join(tmpdir(), "n1radar-ci-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const app = new URL("./fixtures/traced-app.mjs", import.meta.url).pathname;

const cli = (...args: string[]) => runCliCaptured(args, { columns: 160, commandStdio: "pipe" });

/** The fixture app under `env`, so the SDK reads the protocol the way a user's shell would set it. */
const command = (protocol: string, loops: number, exitCode = 0) => [
  "env",
  `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}`,
  process.execPath,
  app,
  String(loops),
  String(exitCode),
];

describe("n1radar ci", () => {
  for (const protocol of ["http/protobuf", "http/json", "grpc"]) {
    it(`fails the build on an N+1 the test command's SDK sends over ${protocol}, with the fix`, async () => {
      const { code, stdout, stderr } = await cli("ci", "--drain-ms", "100", "--", ...command(protocol, 7));
      // two requests, each: the request span, the list query and 7 author queries
      expect(stderr).toContain("the test command exited with 0; 18 span(s) received");
      expect(code).toBe(1);
      expect(stdout).toContain("1 finding in 2 traces");
      expect(stdout).toMatch(/blog-tests GET \/posts\s+7x N\+1/);
      expect(stdout).toContain("fix: ");
      expect(stdout).toMatch(/\n\s+id: {2}[0-9a-f]{16}\n/); // what an acknowledgement or a baseline names
    });
  }

  it("passes when the loop is below the threshold, and keeps the command's own failure code", async () => {
    const clean = await cli("ci", "--drain-ms", "100", "--", ...command("http/protobuf", 3));
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("0 findings in 2 traces");
    const failedTests = await cli("ci", "--drain-ms", "100", "--", ...command("http/protobuf", 3, 3));
    expect(failedTests.code).toBe(3);
    const both = await cli("ci", "--drain-ms", "100", "--", ...command("http/protobuf", 9, 4));
    expect(both.code).toBe(4);
    const reportOnly = await cli("ci", "--report-only", "--drain-ms", "100", "--", ...command("grpc", 9));
    expect(reportOnly.code).toBe(0);
    expect(reportOnly.stdout).toContain("1 finding in 2 traces");
  });

  it("saves the run's traces, and analyze finds the same offender in the file", async () => {
    const saved = join(dir, "run.jsonl");
    const ci = await cli(
      "ci",
      "--format",
      "json",
      "--save",
      saved,
      "--drain-ms",
      "100",
      "--",
      ...command("grpc", 8),
    );
    const offline = await cli("analyze", saved, "--format", "json");
    expect(offline.code).toBe(0);
    const a = JSON.parse(ci.stdout.slice(ci.stdout.indexOf('{\n  "findings"'))).findings;
    const b = JSON.parse(offline.stdout).findings;
    expect(b).toHaveLength(1);
    expect(b[0].id).toBe(a[0].id);
    expect(b[0].repeats).toBe(8);
    expect(b[0].guidance.summary).toBe(a[0].guidance.summary);
  });

  it("explains every repeated group of a recorded run: the N+1, the pagination loop, the short loop", async () => {
    const saved = join(dir, "mixed.jsonl");
    await cli(
      "ci",
      "--save",
      saved,
      "--drain-ms",
      "100",
      "--",
      process.execPath,
      app,
      "7",
      "0",
      "1",
      "mixed",
    );
    const { code, stdout } = await cli("explain", saved, "--endpoint", "GET /posts");
    expect(code).toBe(0);
    expect(stdout).toMatch(/REPORTED\s+7x\s+SELECT id, name FROM authors WHERE id = \?/);
    expect(stdout).toMatch(/PAGINATION\s+6x\s+SELECT id, total FROM orders ORDER BY id LIMIT \? OFFSET \?/);
    expect(stdout).toMatch(/SHORT LOOP\s+3x\s+SELECT name FROM tags WHERE post_id = \?/);
    expect(stdout).toContain("-> set minRepeats (N1_MIN_REPEATS) to 3 to report it");
    const json = JSON.parse((await cli("explain", saved, "--json")).stdout);
    expect(json.requests[0].groups.map((g: { verdict: string }) => g.verdict)).toEqual([
      "reported",
      "pagination",
      "below_min_repeats",
    ]);
    expect((await cli("explain", saved, "--trace", "0".repeat(32))).stdout).toContain("no request");
  });

  it("passes a loop the app marks as intended in its own trace, and fails it once it outgrows the mark", async () => {
    const marked = (loops: number) => [process.execPath, app, String(loops), "0", "2", "intended"];
    const within = await cli("ci", "--drain-ms", "100", "--", ...marked(8));
    expect(within.code).toBe(0);
    expect(within.stdout).toContain("0 findings in 2 traces");
    const beyond = await cli("ci", "--drain-ms", "100", "--", ...marked(12));
    expect(beyond.code).toBe(1);
    expect(beyond.stdout).toMatch(/12x N\+1/);
  });

  it("diffs two saved runs: new, worse and gone offenders", async () => {
    const run = async (loops: number) => {
      const path = join(dir, `run-${loops}.jsonl`);
      await cli("ci", "--save", path, "--drain-ms", "100", "--", ...command("http/protobuf", loops));
      return path;
    };
    const [three, six, ten] = [await run(3), await run(6), await run(10)];
    const added = await cli("diff", three, six);
    expect(added.code).toBe(1);
    expect(added.stdout).toContain("1 new, 0 worse, 0 gone, 0 unchanged");
    expect(added.stdout).toMatch(/NEW\s+blog-tests GET \/posts\s+6x/);
    const worse = await cli("diff", six, ten);
    expect(worse.code).toBe(1);
    expect(worse.stdout).toMatch(/WORSE\s+blog-tests GET \/posts\s+10x \(was 6x\)/);
    const fixed = await cli("diff", six, three, "--format", "json");
    expect(fixed.code).toBe(0);
    const json = JSON.parse(fixed.stdout);
    expect([json.new.length, json.worse.length, json.gone.length]).toEqual([0, 0, 1]);
    expect((await cli("diff", six)).code).toBe(2);
  });

  it("with a baseline, passes the known offender and fails once it gets worse", async () => {
    const baseline = join(dir, "baseline.json");
    const first = await cli(
      "ci",
      "--write-baseline",
      baseline,
      "--drain-ms",
      "100",
      "--",
      ...command("http/protobuf", 6),
    );
    expect(first.code).toBe(1);
    expect(JSON.parse(readFileSync(baseline, "utf8")).offenders).toHaveLength(1);
    const same = await cli(
      "ci",
      "--baseline",
      baseline,
      "--drain-ms",
      "100",
      "--",
      ...command("http/protobuf", 8),
    );
    expect(same.code).toBe(0);
    expect(same.stderr).toContain("0 of 1 offender(s) new or worse than the baseline");
    const worse = await cli(
      "ci",
      "--baseline",
      baseline,
      "--drain-ms",
      "100",
      "--",
      ...command("http/protobuf", 10),
    );
    expect(worse.code).toBe(1);
    expect(worse.stderr).toContain("1 of 1 offender(s) new or worse than the baseline");
  });

  it("writes SARIF that validates against the SARIF 2.1.0 schema", async () => {
    const sarifPath = join(dir, "n1radar.sarif");
    const { code, stdout } = await cli(
      "ci",
      "--format",
      "sarif",
      "--output",
      sarifPath,
      "--drain-ms",
      "100",
      "--",
      ...command("http/protobuf", 6),
    );
    expect(code).toBe(1);
    expect(stdout).toContain("1 finding in 2 traces"); // the table still goes to the log
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(
      readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"),
    );
    const sarif = JSON.parse(readFileSync(sarifPath, "utf8"));
    const validate = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false }).compile(
      schema,
    );
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const result = sarif.runs[0].results[0];
    expect(result.ruleId).toBe("n1radar/n-plus-one");
    expect(result.message.text).toContain("Fix (");
    expect(result.partialFingerprints["n1radarOffender/v1"]).toMatch(/^[0-9a-f]{16}$/);
  });

  it("passes an N+1 acknowledged in the rules file, fails it again once the acknowledgement expires, and marks it suppressed in SARIF", async () => {
    const rules = (expires: string) => {
      const path = join(dir, `rules-${expires}.json`);
      writeFileSync(
        path,
        JSON.stringify({
          acknowledgements: [
            {
              endpoint: "GET /posts",
              statement: "SELECT id, name FROM authors WHERE id = ?",
              reason: "the author cache lands in PR 412",
              author: "alice",
              expires,
            },
          ],
        }),
      );
      return path;
    };
    const fails = await cli("ci", "--drain-ms", "100", "--", ...command("http/protobuf", 7));
    expect(fails.code).toBe(1);
    const sarifPath = join(dir, "acknowledged.sarif");
    const acked = await cli(
      "ci",
      "--config",
      rules("2999-12-31"),
      "--format",
      "sarif",
      "--output",
      sarifPath,
      "--drain-ms",
      "100",
      "--",
      ...command("http/protobuf", 7),
    );
    expect(acked.code).toBe(0);
    expect(acked.stderr).toContain("acknowledged by alice until 2999-12-31: blog-tests GET /posts");
    const sarif = JSON.parse(readFileSync(sarifPath, "utf8"));
    expect(sarif.runs[0].results[0]).toMatchObject({
      level: "note",
      suppressions: [
        { kind: "external", status: "accepted", justification: expect.stringContaining("PR 412") },
      ],
    });
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(
      readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"),
    );
    const validate = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false }).compile(
      schema,
    );
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const expired = await cli(
      "ci",
      "--config",
      rules("2020-01-31"),
      "--drain-ms",
      "100",
      "--",
      ...command("http/protobuf", 7),
    );
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain("acknowledgement by alice expired on 2020-01-31, fails again");
  });

  it("refuses a bad format before running the command, and a command that does not exist", async () => {
    const marker = join(dir, "ran");
    const bad = await cli("ci", "--format", "xml", "--", "sh", "-c", `touch ${marker}`);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--format expects one of");
    expect(() => readFileSync(marker)).toThrow();
    const missing = await cli("ci", "--", join(dir, "no-such-command"));
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain("cannot run the test command");
    const noCommand = await cli("ci");
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toContain("missing the test command after --");
  });
});

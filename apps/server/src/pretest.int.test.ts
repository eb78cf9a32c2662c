/**
 * The root `pretest` step (scripts/test-prerequisites.js), run as npm runs it: a child process. Chromium and
 * PostgreSQL cannot be uninstalled here (others use them), so CHROMIUM_PATH and POSTGRES_ROOT point at files of
 * the test's own, present or missing, and PATH holds only a fake apt-get (and sudo) that record their arguments:
 * what runs when one is missing is the real script's apt path.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../../../scripts/test-prerequisites.js", import.meta.url));

type Plan = { action: string; commands?: string[][]; message?: string };
type Machine = { exists: boolean; isRoot: boolean; hasSudo: boolean; hasAptGet: boolean };
type Facts = Machine & { chromiumPath: string };
const { planChromium, planPostgres } = (await import(script)) as {
  planChromium: (facts: Facts) => Plan;
  planPostgres: (facts: Machine & { postgresRoot: string }) => Plan;
};

let dir: string;
let bin: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "n1-pretest-"));
  bin = join(dir, "bin");
  mkdirSync(bin);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fake(name: string, body: string) {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
}

/** A PostgreSQL install the script accepts: <root>/15/bin/initdb. */
function postgresAt(root: string): string {
  mkdirSync(join(root, "15", "bin"), { recursive: true });
  writeFileSync(join(root, "15", "bin", "initdb"), "");
  return root;
}

function run(chromiumPath: string, postgresRoot = postgresAt(join(dir, "postgresql"))) {
  const child = spawnSync(process.execPath, [script], {
    env: { PATH: bin, CHROMIUM_PATH: chromiumPath, POSTGRES_ROOT: postgresRoot },
    encoding: "utf8",
  });
  return { status: child.status, out: child.stdout, err: child.stderr };
}

describe("pretest: Chromium", () => {
  it("does nothing and says nothing when Chromium is there", () => {
    const present = join(dir, "chromium");
    writeFileSync(present, "");
    fake("apt-get", `echo "$@" >> ${dir}/apt.log`);
    expect(run(present)).toEqual({ status: 0, out: "", err: "" });
    expect(existsSync(join(dir, "apt.log"))).toBe(false);
  });

  it("installs Debian's chromium with apt-get when it is missing, saying so", () => {
    const missing = join(dir, "missing", "chromium");
    // The fake apt-get installs "chromium" where the script looks; sudo (used when not root) passes through.
    fake("apt-get", `echo "$@" >> ${dir}/apt.log\ncase "$1" in install) : > "$CHROMIUM_PATH";; esac`);
    fake("sudo", `shift\nexec "$@"`);
    mkdirSync(join(dir, "missing"));
    const result = run(missing);
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, "apt.log"), "utf8").trim().split("\n")).toEqual([
      "update -qq",
      "install -y -qq --no-install-recommends chromium",
    ]);
    expect(result.out).toContain(`Chromium not found at ${missing}; installing Debian's chromium package`);
    expect(result.out).toContain("apt-get install -y -qq --no-install-recommends chromium");
    expect(result.out).toContain(`Chromium installed at ${missing}`);
  });

  it("fails with what to install when apt-get fails", () => {
    fake("apt-get", "exit 100");
    fake("sudo", `shift\nexec "$@"`);
    const result = run(join(dir, "chromium"));
    expect(result.status).toBe(1);
    expect(result.err).toContain("apt-get update -qq` failed; install chromium by hand");
  });

  it("fails with what to install when the machine has no apt-get", () => {
    const result = run(join(dir, "chromium"));
    expect(result.status).toBe(1);
    expect(result.err).toContain(`need Chromium at ${join(dir, "chromium")}, which is missing`);
    expect(result.err).toContain("apt-get install chromium), or set CHROMIUM_PATH");
  });
});

describe("pretest: PostgreSQL", () => {
  it("installs Debian's postgresql with apt-get when its server binaries are missing, saying so", () => {
    const chromium = join(dir, "chromium");
    writeFileSync(chromium, "");
    const root = join(dir, "missing-postgresql");
    // The fake apt-get installs initdb where the script looks.
    fake(
      "apt-get",
      `echo "$@" >> ${dir}/apt.log\ncase "$1" in install) /bin/mkdir -p "$POSTGRES_ROOT/15/bin" && : > "$POSTGRES_ROOT/15/bin/initdb";; esac`,
    );
    fake("sudo", `shift\nexec "$@"`);
    const result = run(chromium, root);
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, "apt.log"), "utf8").trim().split("\n")).toEqual([
      "update -qq",
      "install -y -qq --no-install-recommends postgresql",
    ]);
    expect(result.out).toContain(`PostgreSQL not found at ${root}; installing Debian's postgresql package`);
    expect(result.out).toContain(`PostgreSQL installed at ${root}`);
  });

  it("fails with what to install when the machine has no apt-get", () => {
    const chromium = join(dir, "chromium");
    writeFileSync(chromium, "");
    const result = run(chromium, join(dir, "missing-postgresql"));
    expect(result.status).toBe(1);
    expect(result.err).toContain("need its server binaries");
    expect(result.err).toContain("apt-get install postgresql");
  });

  it("plans the same apt path as for Chromium, and nothing when initdb is there", () => {
    const machine = {
      postgresRoot: "/usr/lib/postgresql",
      exists: false,
      isRoot: true,
      hasSudo: false,
      hasAptGet: true,
    };
    expect(planPostgres(machine).commands?.[1]?.at(-1)).toBe("postgresql");
    expect(planPostgres({ ...machine, isRoot: false, hasSudo: true }).commands?.[0]?.[0]).toBe("sudo");
    expect(planPostgres({ ...machine, exists: true })).toEqual({ action: "none" });
  });
});

describe("planChromium", () => {
  const facts = {
    chromiumPath: "/usr/bin/chromium",
    exists: false,
    isRoot: true,
    hasSudo: false,
    hasAptGet: true,
  };

  it("runs apt-get directly as root, through sudo otherwise", () => {
    expect(planChromium(facts).commands?.map((argv) => argv.slice(0, 2))).toEqual([
      ["apt-get", "update"],
      ["apt-get", "install"],
    ]);
    expect(planChromium({ ...facts, isRoot: false, hasSudo: true }).commands?.[1]?.slice(0, 3)).toEqual([
      "sudo",
      "--non-interactive",
      "apt-get",
    ]);
  });

  it("fails, naming the package, when not root and without sudo", () => {
    const plan = planChromium({ ...facts, isRoot: false });
    expect(plan.action).toBe("fail");
    expect(plan.message).toMatch(/needs root, and sudo is not available.*apt-get install chromium/s);
  });

  it("does nothing when Chromium exists", () => {
    expect(planChromium({ ...facts, exists: true })).toEqual({ action: "none" });
  });
});

describe(".ci/run", () => {
  const repo = fileURLToPath(new URL("../../../", import.meta.url));

  it("runs the README's test line and nothing more, so CI proves the README", () => {
    const readme = readFileSync(join(repo, "README.md"), "utf8");
    const quickStart = readme.split("## Quick start")[1]?.split("```sh")[1]?.split("```")[0] ?? "";
    const testLine = quickStart
      .split("\n")
      .map((line) => line.split("#")[0]?.trim())
      .find((line) => line?.endsWith("npm test"));
    expect(testLine).toBe("npm ci && npm test");
    const commands = readFileSync(join(repo, ".ci/run"), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"))
      .filter((line) => !/^(set -euo pipefail|cd "\$\(dirname "\$0"\)\/\.\."|export CI=true)$/.test(line));
    expect(commands).toEqual([testLine]);
  });
});

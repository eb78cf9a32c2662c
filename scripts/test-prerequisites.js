#!/usr/bin/env node
/**
 * `npm test`'s pretest step: installs what the test suites need outside npm, so that `npm ci && npm test` passes
 * on a fresh machine with only Node.js, as the README says. Today that is Chromium for the dashboard's browser
 * tests (playwright-core drives Debian's build; browsers are never downloaded) and PostgreSQL's server binaries
 * for the store's tests on PostgreSQL (each run makes its own throwaway cluster with them): when CHROMIUM_PATH
 * (default /usr/bin/chromium) or /usr/lib/postgresql/<version>/bin/initdb (POSTGRES_ROOT) is missing, Debian's
 * `chromium` or `postgresql` package is installed with apt-get, through sudo when not root. When that cannot be
 * done, it stops with what to install, before minutes of lint and builds.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";

export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/**
 * What to do about one Debian package the tests need, decided from facts only (pure, unit-tested):
 * `{ action: "none" }`, `{ action: "install", commands }` (argv lists, run in order), or `{ action: "fail", message }`.
 */
export function planPackage({ what, hint, aptPackage, exists, isRoot, hasSudo, hasAptGet }) {
  if (exists) return { action: "none" };
  if (!hasAptGet) return { action: "fail", message: `${what}\nThis machine has no apt-get. ${hint}` };
  if (!isRoot && !hasSudo)
    return { action: "fail", message: `${what}\nInstalling needs root, and sudo is not available. ${hint}` };
  const prefix = isRoot ? [] : ["sudo", "--non-interactive"];
  return {
    action: "install",
    commands: [
      [...prefix, "apt-get", "update", "-qq"],
      [...prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", aptPackage],
    ],
  };
}

export function planChromium({ chromiumPath, exists, isRoot, hasSudo, hasAptGet }) {
  return planPackage({
    what: `The dashboard's browser tests need Chromium at ${chromiumPath}, which is missing.`,
    hint: "Install it (Debian/Ubuntu: apt-get install chromium), or set CHROMIUM_PATH to a Chromium or Chrome binary.",
    aptPackage: "chromium",
    exists,
    isRoot,
    hasSudo,
    hasAptGet,
  });
}

export const DEFAULT_POSTGRES_ROOT = "/usr/lib/postgresql";

export function planPostgres({ postgresRoot, exists, isRoot, hasSudo, hasAptGet }) {
  return planPackage({
    what: `The store's tests on PostgreSQL need its server binaries (${postgresRoot}/<version>/bin/initdb), which are missing.`,
    hint: "Install them (Debian/Ubuntu: apt-get install postgresql).",
    aptPackage: "postgresql",
    exists,
    isRoot,
    hasSudo,
    hasAptGet,
  });
}

/** True when some PostgreSQL version under `root` has initdb (what the tests' throwaway cluster runs). */
export function postgresInstalled(root) {
  try {
    return readdirSync(root).some((v) => existsSync(join(root, v, "bin", "initdb")));
  } catch {
    return false;
  }
}

function onPath(command) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

/** Runs a plan; `installed()` checks the result. False (having said why) when the tests cannot run. */
function carryOut(plan, name, where, installed) {
  if (plan.action === "none") return true;
  if (plan.action === "fail") {
    console.error(`n1radar tests: ${plan.message}`);
    return false;
  }
  console.log(
    `n1radar tests: ${name} not found at ${where}; installing Debian's ${plan.commands.at(-1).at(-1)} package:`,
  );
  for (const argv of plan.commands) {
    console.log(`  $ ${argv.join(" ")}`);
    const run = spawnSync(argv[0], argv.slice(1), {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (run.status !== 0) {
      console.error(
        `n1radar tests: \`${argv.join(" ")}\` failed; install ${plan.commands.at(-1).at(-1)} by hand, then run npm test again.`,
      );
      return false;
    }
  }
  if (!installed()) {
    console.error(`n1radar tests: ${name} is installed but ${where} still does not have it.`);
    return false;
  }
  console.log(`n1radar tests: ${name} installed at ${where}`);
  return true;
}

function machine() {
  return { isRoot: process.getuid?.() === 0, hasSudo: onPath("sudo"), hasAptGet: onPath("apt-get") };
}

function ensureChromium() {
  const chromiumPath = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  const plan = planChromium({ chromiumPath, exists: existsSync(chromiumPath), ...machine() });
  return carryOut(plan, "Chromium", chromiumPath, () => existsSync(chromiumPath));
}

function ensurePostgres() {
  const postgresRoot = process.env.POSTGRES_ROOT || DEFAULT_POSTGRES_ROOT;
  const plan = planPostgres({ postgresRoot, exists: postgresInstalled(postgresRoot), ...machine() });
  return carryOut(plan, "PostgreSQL", postgresRoot, () => postgresInstalled(postgresRoot));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exit(ensureChromium() && ensurePostgres() ? 0 : 1);
}

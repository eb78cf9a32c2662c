#!/usr/bin/env node
/**
 * `npm test`'s pretest step: installs what the test suites need outside npm, so that `npm ci && npm test` passes
 * on a fresh machine with only Node.js, as the README says. Today that is Chromium for the dashboard's browser
 * tests (playwright-core drives Debian's build; browsers are never downloaded): when CHROMIUM_PATH (default
 * /usr/bin/chromium) is missing, Debian's `chromium` package is installed with apt-get, through sudo when not
 * root. When that cannot be done, it stops with what to install, before minutes of lint and builds.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";

export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/**
 * What to do about Chromium, decided from facts only (pure, unit-tested):
 * `{ action: "none" }`, `{ action: "install", commands }` (argv lists, run in order), or `{ action: "fail", message }`.
 */
export function planChromium({ chromiumPath, exists, isRoot, hasSudo, hasAptGet }) {
  if (exists) return { action: "none" };
  const what = `The dashboard's browser tests need Chromium at ${chromiumPath}, which is missing.`;
  const hint =
    "Install it (Debian/Ubuntu: apt-get install chromium), or set CHROMIUM_PATH to a Chromium or Chrome binary.";
  if (!hasAptGet) return { action: "fail", message: `${what}\nThis machine has no apt-get. ${hint}` };
  if (!isRoot && !hasSudo)
    return { action: "fail", message: `${what}\nInstalling needs root, and sudo is not available. ${hint}` };
  const prefix = isRoot ? [] : ["sudo", "--non-interactive"];
  return {
    action: "install",
    commands: [
      [...prefix, "apt-get", "update", "-qq"],
      [...prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
    ],
  };
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

function ensureChromium() {
  const chromiumPath = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  const plan = planChromium({
    chromiumPath,
    exists: existsSync(chromiumPath),
    isRoot: process.getuid?.() === 0,
    hasSudo: onPath("sudo"),
    hasAptGet: onPath("apt-get"),
  });
  if (plan.action === "none") return true;
  if (plan.action === "fail") {
    console.error(`n1radar tests: ${plan.message}`);
    return false;
  }
  console.log(`n1radar tests: Chromium not found at ${chromiumPath}; installing Debian's chromium package:`);
  for (const argv of plan.commands) {
    console.log(`  $ ${argv.join(" ")}`);
    const run = spawnSync(argv[0], argv.slice(1), {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (run.status !== 0) {
      console.error(
        `n1radar tests: \`${argv.join(" ")}\` failed; install chromium by hand, then run npm test again.`,
      );
      return false;
    }
  }
  if (!existsSync(chromiumPath)) {
    console.error(
      `n1radar tests: chromium is installed but ${chromiumPath} still does not exist; set CHROMIUM_PATH to it.`,
    );
    return false;
  }
  console.log(`n1radar tests: Chromium installed at ${chromiumPath}`);
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exit(ensureChromium() ? 0 : 1);
}

/**
 * The README's settings tables and the CLI's usage text say what the code does: every variable the server reads
 * is documented with its real default, nothing documented is unread, and every CLI option is described.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { OPTIONS, USAGE } from "./analyze/run.js";
import { parseConfig, SETTING_NAMES } from "./config.js";

const readme = readFileSync(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8");

/** Rows of every README table whose first header cell is "Variable": name -> default cell (backticks off). */
function documentedSettings(markdown: string): Map<string, string> {
  const rows = new Map<string, string>();
  let inTable = false;
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("|")) {
      inTable = false;
      continue;
    }
    const cells = line.split("|").map((c) => c.trim());
    if (cells[1] === "Variable") {
      inTable = true;
      continue;
    }
    const name = /^`([A-Z0-9_]+)`$/.exec(cells[1] ?? "")?.[1];
    if (inTable && name) rows.set(name, (cells[2] ?? "").replace(/`/g, ""));
  }
  return rows;
}

// Values only the settings below need to parse; every other variable takes its default.
const required = {
  TRACE_URL_TEMPLATE: "http://x/{traceId}",
  N1_IGNORE: "[]",
  N1_SERVICE_OVERRIDES: "{}",
};
const config = parseConfig(required) as unknown as Record<string, unknown>;
const readKeys = SETTING_NAMES;
/** Read, but documented in the text rather than a table: the old name of TRACE_WAIT_MS. */
const deprecated = new Set(["TRACE_IDLE_MS"]);
const documented = documentedSettings(readme);

describe("README settings tables", () => {
  it("document every variable the server reads", () => {
    const missing = readKeys.filter((k) => !documented.has(k) && !deprecated.has(k));
    expect(missing).toEqual([]);
  });

  it("document no variable the server does not read", () => {
    const unread = [...documented.keys()].filter((k) => !readKeys.includes(k));
    expect(unread).toEqual([]);
    // The twin: the same check on a table naming a variable nothing reads lists it.
    const planted = documentedSettings("| Variable | Default |\n|---|---|\n| `N1_NOT_READ` | `1` |\n");
    expect([...planted.keys()].filter((k) => !readKeys.includes(k))).toEqual(["N1_NOT_READ"]);
  });

  it("give each numeric or word default as the server has it", () => {
    const wrong: string[] = [];
    let compared = 0;
    for (const [name, cell] of documented) {
      const value = config[name];
      if (typeof value !== "number" && typeof value !== "string") continue;
      if (value === "" && cell.startsWith("(none")) continue; // an empty list, shown as (none)
      if (name in required) continue;
      compared++;
      if (String(value) !== cell)
        wrong.push(`${name}: README ${JSON.stringify(cell)}, server ${JSON.stringify(value)}`);
    }
    expect(wrong).toEqual([]);
    expect(compared).toBeGreaterThan(20); // the defaults were compared, not skipped
  });
});

describe("CLI usage", () => {
  it("describes every option the CLI parses, and no other", () => {
    const described = new Set([...USAGE.matchAll(/^\s+(?:-\w, )?--([a-z-]+)/gm)].map((m) => m[1]));
    expect([...described].sort()).toEqual(Object.keys(OPTIONS).sort());
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config.js";

const dir = mkdtempSync(join(tmpdir(), "n1radar-alerts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ALERT_DESTINATIONS_FILE", () => {
  it("reads the destinations from a JSON file", () => {
    const file = join(dir, "destinations.json");
    const list = [{ name: "ops", type: "discord", url: "https://discord.com/api/webhooks/1/abc" }];
    writeFileSync(file, JSON.stringify(list));
    expect(parseConfig({ ALERT_DESTINATIONS_FILE: file }).alerts.destinations).toEqual(list);
  });

  it("names the file when it is missing or holds a bad destination", () => {
    const missing = join(dir, "missing.json");
    expect(() => parseConfig({ ALERT_DESTINATIONS_FILE: missing })).toThrow(
      `ALERT_DESTINATIONS_FILE (${missing}): cannot read it: ENOENT`,
    );
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify([{ name: "ops", type: "discord", url: "https://192.168.1.9/hook" }]));
    expect(() => parseConfig({ ALERT_DESTINATIONS_FILE: bad })).toThrow(
      `ALERT_DESTINATIONS_FILE (${bad}): destination "ops": url 192.168.1.9 is a private address`,
    );
  });
});

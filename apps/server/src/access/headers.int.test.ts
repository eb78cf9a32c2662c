/** Security headers on every answer of the dashboard/API port, and a CSP that allows exactly the built dashboard. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dashboardDir } from "@n1radar/dashboard";
import { openStore, type Store } from "@n1radar/db";
import { defaultAssemblerSettings, defaultDetectorSettings } from "@n1radar/detector";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type App, createApp } from "../app.js";
import { contentSecurityPolicy, inlineScriptHashes } from "./headers.js";

let store: Store;
let app: App;

beforeEach(async () => {
  store = await openStore(":memory:");
  app = await createApp({
    db: store,
    detector: defaultDetectorSettings,
    assembler: defaultAssemblerSettings,
    maxBodyBytes: 1024,
    flushIntervalMs: 100,
    dashboardDir,
  });
});

afterEach(() => store.close());

describe("request ids", () => {
  it("name every answer, a fresh one each time, and keep a proxy's own", async () => {
    const a = (await app.api.request("/api/health")).headers.get("x-request-id");
    const b = (await app.api.request("/api/findings?limit=0x10")).headers.get("x-request-id");
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
    const given = await app.api.request("/api/health", { headers: { "x-request-id": "lb-7f3a" } });
    expect(given.headers.get("x-request-id")).toBe("lb-7f3a");
    // Not a plain token (a header-injection attempt): replaced by a fresh id.
    const odd = await app.api.request("/api/health", { headers: { "x-request-id": "a b<script>" } });
    expect(odd.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("security headers", () => {
  it("are on the dashboard, its assets, the API, errors and /metrics", async () => {
    const index = readFileSync(join(dashboardDir, "index.html"), "utf8");
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1] as string;
    for (const path of [
      "/",
      "/findings/abc",
      asset,
      "/api/health",
      "/api/findings?limit=0x10",
      "/api/nope",
      "/metrics",
    ]) {
      const res = await app.api.request(path);
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("same-origin");
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(csp, path).not.toContain("unsafe-inline");
      expect(csp, path).not.toContain("unsafe-eval");
    }
  });

  it("allow the built index.html's inline theme script by its hash, and no other inline script", async () => {
    const html = await (await app.api.request("/")).text();
    const inline = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] as string;
    expect(inline).toContain("n1radar-theme");
    const hash = createHash("sha256").update(inline).digest("base64");
    const csp = (await app.api.request("/")).headers.get("content-security-policy") as string;
    expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(csp.match(/'sha256-/g)).toHaveLength(1);
  });
});

describe("inlineScriptHashes", () => {
  it("hashes scripts without src and skips those with one", () => {
    const html = `<script>a()</script><script type="module" src="/x.js"></script><script nonce="n">b()</script>`;
    const sha = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
    expect(inlineScriptHashes(html)).toEqual([sha("a()"), sha("b()")]);
    expect(contentSecurityPolicy({ scriptHashes: [sha("a()")] })).toContain(
      `script-src 'self' ${sha("a()")};`,
    );
  });
});

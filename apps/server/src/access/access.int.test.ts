/**
 * Signing in with N1_AUTH_TOKEN, in process: the probes stay open, the form's session cookie (flags, expiry,
 * signature, sign-out, token rotation), Secure behind https, the per-address rate limit, and the open default.
 */

import { DashboardConfigSchema } from "@n1radar/core/schemas";
import { describe, expect, it } from "vitest";
import { BEARER, build, clock, firstOffender, HOUR, json, send, TOKEN } from "../testing/access.js";
import { apiJson } from "../testing/api.js";
import { SESSION_COOKIE } from "./access.js";
import { parseTrustedProxies } from "./proxies.js";

describe("with N1_AUTH_TOKEN set", () => {
  it("keeps /metrics open for scrapers unless N1_AUTH_METRICS is set", async () => {
    const { app } = await build({ token: TOKEN, protectMetrics: true });
    expect((await send(app, "/metrics")).status).toBe(401);
    expect((await send(app, "/metrics", { headers: BEARER })).status).toBe(200);
    expect((await send(app, "/api/health")).status).toBe(200);
  });

  it("signs in through the form: an HttpOnly, SameSite=Strict cookie that expires and that sign-out ends", async () => {
    const { app } = await build({ token: TOKEN, sessionMs: HOUR });
    const form = (token: string) => ({
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
      body: new URLSearchParams({ token, next: "/overview" }).toString(),
    });
    const wrong = await send(app, "/login", form("not-the-token-at-all"));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    await expect(wrong.text()).resolves.toContain("That access token is not right.");

    const ok = await send(app, "/login", form(TOKEN));
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/overview");
    const setCookie = ok.headers.get("set-cookie") as string;
    expect(setCookie).toMatch(
      new RegExp(`^${SESSION_COOKIE}=[^;]+; Max-Age=3600; Path=/; HttpOnly; SameSite=Strict$`),
    );
    expect(setCookie).not.toContain(TOKEN);
    const cookie = { cookie: setCookie.split(";")[0] as string };
    expect((await send(app, "/api/findings", { headers: cookie })).status).toBe(200);
    expect((await send(app, "/overview", { headers: cookie })).status).toBe(200);
    // Signed: changing one character of the id is refused.
    const forged = cookie.cookie.replace(/\.(.)/, (_m, c: string) => `.${c === "A" ? "B" : "A"}`);
    expect((await send(app, "/api/findings", { headers: { cookie: forged } })).status).toBe(401);

    clock.now += HOUR + 1;
    expect((await send(app, "/api/findings", { headers: cookie })).status).toBe(401);

    const again = await send(app, "/login", form(TOKEN));
    const cookie2 = { cookie: (again.headers.get("set-cookie") as string).split(";")[0] as string };
    expect((await send(app, "/api/findings", { headers: cookie2 })).status).toBe(200);
    const out = await send(app, "/logout", {
      method: "POST",
      headers: { ...cookie2, "sec-fetch-site": "same-origin" },
    });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(new RegExp(`^${SESSION_COOKIE}=; Max-Age=0`));
    // The old cookie is dead even if a copy of it was kept.
    expect((await send(app, "/api/findings", { headers: cookie2 })).status).toBe(401);

    // A new token ends every session.
    const rotated = await build({ token: `${TOKEN}-new`, sessionMs: HOUR });
    const third = await send(app, "/login", form(TOKEN));
    const cookie3 = { cookie: (third.headers.get("set-cookie") as string).split(";")[0] as string };
    expect((await send(rotated.app, "/api/findings", { headers: cookie3 })).status).toBe(401);
  });

  it("sets Secure on the cookie when the browser used https (per a trusted proxy's X-Forwarded-Proto)", async () => {
    const proxies = parseTrustedProxies("10.0.0.0/8");
    if ("error" in proxies) throw new Error(proxies.error);
    const { app } = await build({ token: TOKEN, trustedProxies: proxies.proxies });
    const login = (peer: string) =>
      send(
        app,
        "/login",
        {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-proto": "https" },
          body: new URLSearchParams({ token: TOKEN }).toString(),
        },
        peer,
      );
    expect((await login("10.1.2.3")).headers.get("set-cookie")).toMatch(/; Secure/);
    expect((await login("192.0.2.1")).headers.get("set-cookie")).not.toMatch(/Secure/);
  });

  it("rate-limits failed sign-ins per client address, by form and by bearer token alike", async () => {
    const { app } = await build({ token: TOKEN, loginMaxFailures: 3, loginWindowMs: 60_000 });
    const bearer = (token: string, peer: string) =>
      send(app, "/api/findings", { headers: { authorization: `Bearer ${token}` } }, peer);
    const form = (token: string, peer: string) =>
      send(
        app,
        "/login",
        {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ token }).toString(),
        },
        peer,
      );
    expect((await bearer("guess-1", "198.51.100.7")).status).toBe(401);
    expect((await form("guess-2", "198.51.100.7")).status).toBe(401);
    expect((await bearer("guess-3", "198.51.100.7")).status).toBe(401);
    // Locked out: even the right token waits, so guessing gains nothing.
    const locked = await bearer(TOKEN, "198.51.100.7");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBe(60);
    const lockedForm = await form(TOKEN, "198.51.100.7");
    expect(lockedForm.status).toBe(429);
    expect(lockedForm.headers.get("set-cookie")).toBeNull();
    // Another address is not affected, and the lock ends with the window.
    expect((await bearer(TOKEN, "198.51.100.8")).status).toBe(200);
    clock.now += 60_001;
    expect((await bearer(TOKEN, "198.51.100.7")).status).toBe(200);
  });
});

describe("without a token", () => {
  it("stays open for reading, records no user, and the sign-in page sends people on", async () => {
    const { app, store } = await build({});
    const id = await firstOffender(app);
    expect((await send(app, `/api/findings/${id}/status`, json({ status: "acknowledged" }))).status).toBe(
      200,
    );
    expect((await store.getOffender(id))?.statusChange).toEqual({
      at: new Date(clock.now).toISOString(),
      by: null,
    });
    expect((await send(app, "/api/findings")).status).toBe(200);
    const login = await send(app, "/login?next=/overview");
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/overview");
    const config = await apiJson(await send(app, "/api/config"), DashboardConfigSchema);
    expect(config.access).toEqual({ mode: "open", user: null, canSignOut: false });
  });
});

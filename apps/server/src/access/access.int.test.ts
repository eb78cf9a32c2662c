/**
 * Access control over the whole dashboard/API port, in process: every registered route is walked (enumerated from
 * the app, so a new route cannot be missed) anonymously and with the token; forged cross-site state changes are
 * refused with and without a token; sessions, sign-out, the sign-in rate limit and the proxy header's trust.
 */
import type { Finding, Guidance } from "@n1radar/core";
import { makeFinding } from "@n1radar/core/testing";
import { dashboardDir } from "@n1radar/dashboard";
import { getOffender, openStore, recordDeltas, type Store } from "@n1radar/db";
import { defaultAssemblerSettings, defaultDetectorSettings, FindingAccumulator } from "@n1radar/detector";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type PlatformReceiver, startPlatform } from "../alerts/test-platforms.js";
import { type App, createApp } from "../app.js";
import { parseConfig } from "../config.js";
import { type AccessSettings, openAccess, SESSION_COOKIE } from "./access.js";
import { parseTrustedProxies } from "./proxies.js";

const TOKEN = "t0ken-for-tests-0123456789";
const BEARER = { authorization: `Bearer ${TOKEN}` };
const HOUR = 3_600_000;
const guidance: Guidance = {
  orm: "sqlalchemy",
  ormName: "SQLAlchemy",
  confidence: 0.9,
  summary: "Eager-load it",
  why: "why",
  before: null,
  after: null,
  verify: "verify",
};

let platform: PlatformReceiver;
beforeAll(async () => {
  platform = await startPlatform("slack");
});
afterAll(() => platform?.close());

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

let clock = Date.UTC(2026, 0, 10, 12);

function build(access: Partial<AccessSettings>): { app: App; store: Store } {
  const store = openStore(":memory:");
  stores.push(store);
  const config = parseConfig({ ALERT_ALLOW_PRIVATE_URLS: "true" });
  const app = createApp({
    db: store.db,
    detector: defaultDetectorSettings,
    assembler: defaultAssemblerSettings,
    maxBodyBytes: 1024,
    flushIntervalMs: 100,
    dashboardDir,
    alerts: config.alerts,
    access: { ...openAccess, ...access },
    now: () => clock,
  });
  const finding: Finding = makeFinding({
    traceId: "a".repeat(32),
    endpoint: "GET /posts",
    dbSystem: "postgresql",
    statement: "SELECT * FROM authors WHERE id = ?",
    fingerprint: "SELECT * FROM authors WHERE id = ?",
    repeats: 8,
    seenAtMs: clock - HOUR,
  });
  const acc = new FindingAccumulator();
  acc.addTrace([finding]);
  recordDeltas(
    store.db,
    acc.drain().map((delta) => ({ delta, guidance })),
  );
  return { app, store };
}

/** A request from a given peer address (what getConnInfo reads from node-server's env). */
function send(app: App, path: string, init: RequestInit = {}, peer = "192.0.2.10") {
  return app.api.request(path, init, { incoming: { socket: { remoteAddress: peer } } });
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", "sec-fetch-site": "same-origin", ...headers },
  body: JSON.stringify(body),
});

async function firstOffender(app: App): Promise<string> {
  const res = await send(app, "/api/findings", { headers: BEARER });
  return ((await res.json()) as { findings: { id: string }[] }).findings[0]?.id as string;
}

/** Every route the app registered, handlers only (not middleware), GETs first and deletions last. */
function registeredRoutes(app: App): { method: string; path: string }[] {
  const seen = new Set<string>();
  const routes: { method: string; path: string }[] = [];
  for (const r of app.api.routes) {
    if (r.path === "/*" && r.method === "ALL") continue; // middleware: headers, access, static files
    const method = r.method === "ALL" ? "GET" : r.method;
    const key = `${method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    routes.push({ method, path: r.path });
  }
  const rank = (m: string) => (m === "GET" ? 0 : m === "DELETE" ? 2 : 1);
  return routes.sort((a, b) => rank(a.method) - rank(b.method));
}

describe("with N1_AUTH_TOKEN set", () => {
  it("walks every registered route: anonymous gets 401 (API) or the sign-in page (pages); the token opens all", async () => {
    const { app } = build({ token: TOKEN });
    const offender = await firstOffender(app);
    // Fixtures for the routes that take an id: a destination and an ignore rule made through the API itself.
    const dest = await send(
      app,
      "/api/alerts/destinations",
      json({ name: "team", type: "slack", url: platform.url }, BEARER),
    );
    expect(dest.status).toBe(201);
    const destinationId = ((await dest.json()) as { destination: { id: string } }).destination.id;
    const other = await send(
      app,
      "/api/alerts/destinations",
      json({ name: "gone", type: "slack", url: platform.url }, BEARER),
    );
    const otherId = ((await other.json()) as { destination: { id: string } }).destination.id;

    const open = new Set([
      "GET /api/health",
      "GET /api/ready",
      "GET /metrics",
      "GET /login",
      "POST /login",
      "POST /logout",
    ]);
    // What each route is called with: real ids, and a body each state change accepts.
    const call = async (method: string, path: string): Promise<{ url: string; body?: unknown }> => {
      const url = (id: string) => path.replace(":id", encodeURIComponent(id));
      switch (`${method} ${path}`) {
        case "GET /*":
          return { url: "/findings/abc" };
        case "GET /api/*":
          return { url: "/api/no-such-route" };
        case "GET /api/findings/:id":
        case "GET /api/findings/:id/explain":
          return { url: url(offender) };
        case "POST /api/alerts/destinations/:id/test":
          return { url: url(destinationId) };
        case "GET /api/findings/:id/ignore-preview":
          return { url: `${url(offender)}?scope=statement` };
        case "POST /api/findings/:id/status":
          return { url: url(offender), body: { status: "acknowledged" } };
        case "POST /api/findings/:id/ignore":
          return { url: url(offender), body: { scope: "statement", reason: "walk" } };
        case "PUT /api/alerts/destinations/:id":
          return { url: url(destinationId), body: { name: "team", type: "slack" } };
        case "POST /api/alerts/destinations/:id/enabled":
          return { url: url(destinationId), body: { enabled: false } };
        case "POST /api/alerts/destinations":
          return { url: path, body: { name: "another", type: "slack", url: platform.url } };
        case "POST /login":
          return { url: path, body: undefined };
        case "DELETE /api/alerts/destinations/:id":
          return { url: url(otherId) };
        case "DELETE /api/ignore-rules/:id": {
          const rules = await send(app, "/api/ignore-rules", { headers: BEARER });
          const { rules: list } = (await rules.json()) as { rules: { id: number }[] };
          return { url: url(String(list[0]?.id)) };
        }
        case "POST /api/alerts/deliveries/:id/resend":
          return { url: url("none") };
        default:
          if (path.includes(":") || path.includes("*"))
            throw new Error(`${method} ${path}: a new route; give it a real id or body in this test`);
          return { url: path };
      }
    };
    // Answers the token must get, for routes whose only outcome without more fixtures is a named 404.
    const expectedWithToken: Record<string, number> = {
      "GET /*": 200,
      "GET /api/*": 404,
      "GET /api/findings/:id/explain": 200,
      "POST /api/alerts/deliveries/:id/resend": 404, // no dead letter exists: the handler says so
    };

    const routes = registeredRoutes(app);
    expect(routes.length).toBeGreaterThan(25);
    const sent: string[] = [];
    for (const { method, path } of routes) {
      const key = `${method} ${path}`;
      const { url, body } = await call(method, path);
      const init = (headers: Record<string, string>): RequestInit => ({
        method,
        headers: { "content-type": "application/json", "sec-fetch-site": "same-origin", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const anonymous = await send(app, url, method === "GET" ? {} : init({}));
      if (key === "POST /login") {
        // Open, and it answers an empty token as a failed sign-in.
        await expect(anonymous.clone().text()).resolves.toContain("That access token is not right.");
      } else if (open.has(key)) {
        expect(anonymous.status, key).not.toBe(401);
      } else if (method === "GET" && !url.startsWith("/api/")) {
        expect(anonymous.status, key).toBe(302);
        expect(anonymous.headers.get("location"), key).toBe(`/login?next=${encodeURIComponent(url)}`);
      } else {
        expect(anonymous.status, key).toBe(401);
        expect(anonymous.headers.get("www-authenticate"), key).toMatch(/^Bearer /);
      }
      await anonymous.body?.cancel();

      if (key === "POST /logout" || key === "POST /login") continue;
      const authorized = await send(app, url, method === "GET" ? { headers: BEARER } : init(BEARER));
      const expected = expectedWithToken[key];
      if (expected !== undefined) expect(authorized.status, key).toBe(expected);
      else expect([200, 201], key).toContain(authorized.status);
      if (authorized.status === 404)
        expect(((await authorized.json()) as { error: { code: string } }).error.code, key).toBe("not_found");
      else await authorized.body?.cancel();
      sent.push(key);
    }
    // The static files (served by middleware, so not in the route list) are guarded the same way.
    const index = await (await send(app, "/", { headers: BEARER })).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1] as string;
    expect((await send(app, asset)).status).toBe(302);
    expect((await send(app, asset, { headers: BEARER })).status).toBe(200);
    // The walk reached the state changes, not just the reads.
    expect(sent).toEqual(
      expect.arrayContaining(["POST /api/findings/:id/status", "DELETE /api/ignore-rules/:id"]),
    );
  });

  it("keeps /metrics open for scrapers unless N1_AUTH_METRICS is set", async () => {
    const { app } = build({ token: TOKEN, protectMetrics: true });
    expect((await send(app, "/metrics")).status).toBe(401);
    expect((await send(app, "/metrics", { headers: BEARER })).status).toBe(200);
    expect((await send(app, "/api/health")).status).toBe(200);
  });

  it("signs in through the form: an HttpOnly, SameSite=Strict cookie that expires and that sign-out ends", async () => {
    const { app } = build({ token: TOKEN, sessionMs: HOUR });
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

    clock += HOUR + 1;
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
    const rotated = build({ token: `${TOKEN}-new`, sessionMs: HOUR });
    const third = await send(app, "/login", form(TOKEN));
    const cookie3 = { cookie: (third.headers.get("set-cookie") as string).split(";")[0] as string };
    expect((await send(rotated.app, "/api/findings", { headers: cookie3 })).status).toBe(401);
  });

  it("sets Secure on the cookie when the browser used https (per a trusted proxy's X-Forwarded-Proto)", async () => {
    const proxies = parseTrustedProxies("10.0.0.0/8");
    if ("error" in proxies) throw new Error(proxies.error);
    const { app } = build({ token: TOKEN, trustedProxies: proxies.proxies });
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
    const { app } = build({ token: TOKEN, loginMaxFailures: 3, loginWindowMs: 60_000 });
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
    clock += 60_001;
    expect((await bearer(TOKEN, "198.51.100.7")).status).toBe(200);
  });
});

describe("cross-site state changes", () => {
  // What a page on another site can make a browser send: a form post (urlencoded, or text/plain shaped into
  // JSON), with the browser's own Origin and Sec-Fetch-Site headers.
  const forgeries: [string, Record<string, string>, string][] = [
    [
      "form, Sec-Fetch-Site",
      {
        "content-type": "application/x-www-form-urlencoded",
        "sec-fetch-site": "cross-site",
        origin: "https://evil.example",
      },
      "status=resolved",
    ],
    [
      "text/plain JSON, Sec-Fetch-Site",
      { "content-type": "text/plain", "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      '{"status":"resolved","x":"="}',
    ],
    [
      "same-site sibling",
      {
        "content-type": "application/json",
        "sec-fetch-site": "same-site",
        origin: "https://other.n1radar.test",
      },
      '{"status":"resolved"}',
    ],
    [
      "Origin only (older browser)",
      { "content-type": "text/plain", origin: "https://evil.example" },
      '{"status":"resolved"}',
    ],
    ["opaque origin", { "content-type": "application/json", origin: "null" }, '{"status":"resolved"}'],
    ["no browser headers, not JSON", { "content-type": "text/plain" }, '{"status":"resolved"}'],
  ];

  for (const token of [null, TOKEN]) {
    it(`are refused ${token ? "with" : "without"} a token set, and change nothing`, async () => {
      const { app, store } = build({ token });
      const id = await firstOffender(app);
      const auth = token ? BEARER : {};
      for (const [what, headers, body] of forgeries) {
        const res = await send(app, `/api/findings/${id}/status`, {
          method: "POST",
          headers: { ...headers, ...auth },
          body,
        });
        expect(res.status, what).toBe(403);
        expect(((await res.json()) as { error: { code: string } }).error.code, what).toBe("forbidden");
      }
      // The same for a deletion and for the sign-out form.
      const del = await send(app, "/api/ignore-rules/1", {
        method: "DELETE",
        headers: { "sec-fetch-site": "cross-site", ...auth },
      });
      expect(del.status).toBe(403);
      const out = await send(app, "/logout", { method: "POST", headers: { "sec-fetch-site": "cross-site" } });
      expect(out.status).toBe(403);
      expect(getOffender(store.db, id)?.status).toBe("open");

      // The dashboard's own request, and a script's (no browser headers, JSON), go through.
      const own = await send(
        app,
        `/api/findings/${id}/status`,
        json({ status: "resolved" }, auth),
        "127.0.0.1",
      );
      expect(own.status).toBe(200);
      const script = await send(app, `/api/findings/${id}/status`, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", ...auth },
        body: '{"status":"open"}',
      });
      expect(script.status).toBe(200);
      const sameOrigin = await send(app, `/api/findings/${id}/status`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://localhost", ...auth },
        body: '{"status":"acknowledged"}',
      });
      expect(sameOrigin.status).toBe(200);
      expect(getOffender(store.db, id)?.status).toBe("acknowledged");
    });
  }
});

describe("without a token", () => {
  it("stays open for reading, records no user, and the sign-in page sends people on", async () => {
    const { app, store } = build({});
    const id = await firstOffender(app);
    expect((await send(app, `/api/findings/${id}/status`, json({ status: "acknowledged" }))).status).toBe(
      200,
    );
    expect(getOffender(store.db, id)?.statusChange).toEqual({ at: new Date(clock).toISOString(), by: null });
    expect((await send(app, "/api/findings")).status).toBe(200);
    const login = await send(app, "/login?next=/overview");
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/overview");
    const config = (await (await send(app, "/api/config")).json()) as { access: unknown };
    expect(config.access).toEqual({ mode: "open", user: null, canSignOut: false });
  });
});

describe("the sign-in proxy header", () => {
  const proxies = parseTrustedProxies("10.0.0.0/8, 192.0.2.1");
  if ("error" in proxies) throw new Error(proxies.error);

  it("names the user only when the request comes from a trusted proxy", async () => {
    const { app } = build({ proxyHeader: "x-forwarded-user", trustedProxies: proxies.proxies });
    const user = { "x-forwarded-user": "ada@example.com" };
    const who = async (peer: string) => {
      const res = await send(app, "/api/config", { headers: user }, peer);
      return {
        status: res.status,
        body: res.status === 200 ? ((await res.json()) as { access: unknown }) : null,
      };
    };
    expect(await who("10.4.5.6")).toEqual({
      status: 200,
      body: expect.objectContaining({
        access: { mode: "proxy", user: "ada@example.com", canSignOut: false },
      }),
    });
    expect((await who("::ffff:192.0.2.1")).status).toBe(200);
    expect((await who("192.0.2.2")).status).toBe(401);
    expect((await who("127.0.0.1")).status).toBe(401);
    // From a trusted proxy but without the header: not signed in.
    expect((await send(app, "/api/findings", {}, "10.4.5.6")).status).toBe(401);
  });

  it("records who changed a status, created an ignore rule and deleted it: the proxy's user, or token", async () => {
    const { app, store } = build({
      token: TOKEN,
      proxyHeader: "x-forwarded-user",
      trustedProxies: proxies.proxies,
    });
    const id = await firstOffender(app);
    const ada = { "x-forwarded-user": "ada@example.com" };
    expect(
      (await send(app, `/api/findings/${id}/status`, json({ status: "resolved" }, ada), "10.0.0.9")).status,
    ).toBe(200);
    const detail = (await (await send(app, `/api/findings/${id}`, { headers: BEARER })).json()) as {
      finding: { statusChange: unknown };
    };
    expect(detail.finding.statusChange).toEqual({ at: new Date(clock).toISOString(), by: "ada@example.com" });

    // A spoofed header from an untrusted address is not a user: the request is refused, nothing recorded.
    const spoof = await send(
      app,
      `/api/findings/${id}/status`,
      json({ status: "open" }, { "x-forwarded-user": "mallory" }),
      "203.0.113.9",
    );
    expect(spoof.status).toBe(401);
    expect(getOffender(store.db, id)?.statusChange?.by).toBe("ada@example.com");

    const ignored = await send(app, `/api/findings/${id}/ignore`, json({ scope: "statement" }, BEARER));
    expect(((await ignored.json()) as { rule: { createdBy: string } }).rule.createdBy).toBe("token");
    expect(getOffender(store.db, id)?.statusChange?.by).toBe("token");
    const rules = (await (await send(app, "/api/ignore-rules", { headers: BEARER })).json()) as {
      rules: { id: number; createdBy: string }[];
    };
    expect(rules.rules.map((r) => r.createdBy)).toEqual(["token"]);
    const ruleId = rules.rules[0]?.id as number;
    const deleted = await send(
      app,
      `/api/ignore-rules/${ruleId}`,
      { method: "DELETE", headers: { "content-type": "application/json", ...ada } },
      "10.0.0.9",
    );
    expect(deleted.status).toBe(200);
    expect(getOffender(store.db, id)).toMatchObject({
      status: "open",
      statusChange: { by: "ada@example.com" },
    });
  });

  it("works beside the token: the token still opens the API from anywhere", async () => {
    const { app } = build({ token: TOKEN, proxyHeader: "x-forwarded-user", trustedProxies: proxies.proxies });
    expect((await send(app, "/api/findings", { headers: BEARER }, "203.0.113.9")).status).toBe(200);
    expect(
      (await send(app, "/api/findings", { headers: { "x-forwarded-user": "mallory" } }, "203.0.113.9"))
        .status,
    ).toBe(401);
  });
});

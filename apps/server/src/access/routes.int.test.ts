/**
 * Every route the app registers (enumerated from the app, so a new route cannot be missed) walked anonymously
 * and with the token: anonymous gets 401 on the API and the sign-in page for pages; the token opens them all.
 */

import { DestinationAnswerSchema, IgnoreRuleListSchema } from "@n1radar/core/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app.js";
import { BEARER, build, firstOffender, json, send, TOKEN } from "../testing/access.js";
import { apiError, apiJson } from "../testing/api.js";
import { type PlatformReceiver, startPlatform } from "../testing/platforms.js";

let platform: PlatformReceiver;
beforeAll(async () => {
  platform = await startPlatform("slack");
});
afterAll(() => platform?.close());

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
    const { app } = await build({ token: TOKEN });
    const offender = await firstOffender(app);
    // Fixtures for the routes that take an id: a destination and an ignore rule made through the API itself.
    const dest = await send(
      app,
      "/api/alerts/destinations",
      json({ name: "team", type: "slack", url: platform.url }, BEARER),
    );
    const destinationId = (await apiJson(dest, DestinationAnswerSchema, 201)).destination.id;
    const other = await send(
      app,
      "/api/alerts/destinations",
      json({ name: "gone", type: "slack", url: platform.url }, BEARER),
    );
    const otherId = (await apiJson(other, DestinationAnswerSchema, 201)).destination.id;

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
          const { rules: list } = await apiJson(rules, IgnoreRuleListSchema);
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
        expect((await apiError(authorized, 404)).error.code, key).toBe("not_found");
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
});

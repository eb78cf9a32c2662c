/** The sign-in proxy's header: believed only from N1_TRUSTED_PROXIES, and its user recorded on changes. */

import {
  DashboardConfigSchema,
  FindingAnswerSchema,
  IgnoreAnswerSchema,
  IgnoreRuleDeletedSchema,
  IgnoreRuleListSchema,
} from "@n1radar/core/schemas";
import { describe, expect, it } from "vitest";
import { BEARER, build, clock, firstOffender, json, send, TOKEN } from "../testing/access.js";
import { apiJson } from "../testing/api.js";
import { parseTrustedProxies } from "./proxies.js";

describe("the sign-in proxy header", () => {
  const proxies = parseTrustedProxies("10.0.0.0/8, 192.0.2.1");
  if ("error" in proxies) throw new Error(proxies.error);

  it("names the user only when the request comes from a trusted proxy", async () => {
    const { app } = await build({ proxyHeader: "x-forwarded-user", trustedProxies: proxies.proxies });
    const user = { "x-forwarded-user": "ada@example.com" };
    const who = async (peer: string) => {
      const res = await send(app, "/api/config", { headers: user }, peer);
      return {
        status: res.status,
        body: res.status === 200 ? await apiJson(res, DashboardConfigSchema) : null,
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
    const { app, store } = await build({
      token: TOKEN,
      proxyHeader: "x-forwarded-user",
      trustedProxies: proxies.proxies,
    });
    const id = await firstOffender(app);
    const ada = { "x-forwarded-user": "ada@example.com" };
    expect(
      (await send(app, `/api/findings/${id}/status`, json({ status: "resolved" }, ada), "10.0.0.9")).status,
    ).toBe(200);
    const detail = await apiJson(
      await send(app, `/api/findings/${id}`, { headers: BEARER }),
      FindingAnswerSchema,
    );
    expect(detail.finding.statusChange).toEqual({
      at: new Date(clock.now).toISOString(),
      by: "ada@example.com",
    });

    // A spoofed header from an untrusted address is not a user: the request is refused, nothing recorded.
    const spoof = await send(
      app,
      `/api/findings/${id}/status`,
      json({ status: "open" }, { "x-forwarded-user": "mallory" }),
      "203.0.113.9",
    );
    expect(spoof.status).toBe(401);
    expect((await store.getOffender(id))?.statusChange?.by).toBe("ada@example.com");

    const ignored = await send(app, `/api/findings/${id}/ignore`, json({ scope: "statement" }, BEARER));
    expect((await apiJson(ignored, IgnoreAnswerSchema)).rule.createdBy).toBe("token");
    expect((await store.getOffender(id))?.statusChange?.by).toBe("token");
    const rules = await apiJson(
      await send(app, "/api/ignore-rules", { headers: BEARER }),
      IgnoreRuleListSchema,
    );
    expect(rules.rules.map((r) => r.createdBy)).toEqual(["token"]);
    const ruleId = rules.rules[0]?.id as number;
    const deleted = await send(
      app,
      `/api/ignore-rules/${ruleId}`,
      { method: "DELETE", headers: { "content-type": "application/json", ...ada } },
      "10.0.0.9",
    );
    expect((await apiJson(deleted, IgnoreRuleDeletedSchema)).reopened).toBe(1);
    expect(await store.getOffender(id)).toMatchObject({
      status: "open",
      statusChange: { by: "ada@example.com" },
    });
  });

  it("works beside the token: the token still opens the API from anywhere", async () => {
    const { app } = await build({
      token: TOKEN,
      proxyHeader: "x-forwarded-user",
      trustedProxies: proxies.proxies,
    });
    expect((await send(app, "/api/findings", { headers: BEARER }, "203.0.113.9")).status).toBe(200);
    expect(
      (await send(app, "/api/findings", { headers: { "x-forwarded-user": "mallory" } }, "203.0.113.9"))
        .status,
    ).toBe(401);
  });
});

/**
 * DNS rebinding against a dashboard without sign-in: a request addressed to an outside name (what a rebound page
 * sends) is refused on every route but the probes; local names and addresses are answered; a token or
 * N1_ALLOWED_HOSTS lets other names in.
 */
import { describe, expect, it } from "vitest";
import { BEARER, build, send, TOKEN } from "../testing/access.js";
import { apiError } from "../testing/api.js";

const as = (host: string, headers: Record<string, string> = {}) => ({ headers: { host, ...headers } });

describe("the Host a request names", () => {
  it("without sign-in: outside names are refused except by the probes; local ones answered", async () => {
    const { app } = await build({});
    for (const path of ["/api/findings", "/", "/api/config"]) {
      const res = await send(app, path, as("attacker.example:3000"));
      expect((await apiError(res, 403)).error.message, path).toContain("N1_ALLOWED_HOSTS");
    }
    for (const path of ["/api/health", "/api/ready", "/metrics"])
      expect((await send(app, path, as("attacker.example"))).status, path).toBe(200);
    for (const host of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "n1radar:3000", "192.0.2.5"])
      expect((await send(app, "/api/findings", as(host))).status, host).toBe(200);
  });

  it("with a token: any name, since a rebound page has no session; N1_ALLOWED_HOSTS narrows it", async () => {
    const { app } = await build({ token: TOKEN });
    expect((await send(app, "/api/findings", as("n1radar.example.com", BEARER))).status).toBe(200);
    const narrowed = await build({ token: TOKEN, allowedHosts: ["n1radar.example.com"] });
    expect((await send(narrowed.app, "/api/findings", as("n1radar.example.com", BEARER))).status).toBe(200);
    expect((await send(narrowed.app, "/api/findings", as("other.example.com", BEARER))).status).toBe(403);
    const open = await build({ allowedHosts: ["n1radar.example.com"] });
    expect((await send(open.app, "/api/findings", as("n1radar.example.com"))).status).toBe(200);
    expect((await send(open.app, "/api/findings", as("localhost"))).status).toBe(403);
  });
});

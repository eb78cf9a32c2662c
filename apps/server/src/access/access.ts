/**
 * Who may read and change what on the dashboard/API port. With N1_AUTH_TOKEN set, every route but the probes
 * needs the token: `Authorization: Bearer <token>` for scripts, or the session cookie the sign-in page sets for
 * people. Behind a sign-in proxy (N1_AUTH_PROXY_HEADER), the header names the user when it comes from one of
 * N1_TRUSTED_PROXIES. Forged cross-site state changes are refused whether or not any of that is set (csrf.ts).
 * The user's name reaches the routes as `c.get("user")`, recorded on status changes and ignore rules.
 */
import { getConnInfo } from "@hono/node-server/conninfo";
import { type DashboardConfig, ERROR_STATUS, type ErrorCode } from "@n1radar/core";
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { log } from "../log.js";
import { forgeryProblem } from "./csrf.js";
import { type AllowedHosts, hostAllowed } from "./hosts.js";
import { LoginLimiter } from "./login-limiter.js";
import { LOGIN_CSP, loginPage, safeNext, sameSiteReloadPage } from "./login-page.js";
import { clientAddress, isTrusted, type TrustedProxies } from "./proxies.js";
import { sameSecret } from "./secrets.js";
import { SessionSigner } from "./sessions.js";

declare module "hono" {
  interface ContextVariableMap {
    /** Who made the request: the proxy's user name, "token" for the access token, null when access is open. */
    user: string | null;
  }
}

export interface AccessSettings {
  /** N1_AUTH_TOKEN (or the contents of N1_AUTH_TOKEN_FILE); null for none. */
  token: string | null;
  /** N1_AUTH_PROXY_HEADER, lower case; null for none. */
  proxyHeader: string | null;
  /** N1_TRUSTED_PROXIES. */
  trustedProxies: TrustedProxies | null;
  /** N1_ALLOWED_HOSTS; null for the defaults (hosts.ts). */
  allowedHosts: AllowedHosts | null;
  /** N1_AUTH_METRICS: /metrics needs the token too. */
  protectMetrics: boolean;
  /** N1_SESSION_HOURS. */
  sessionMs: number;
  /** N1_LOGIN_MAX_FAILURES within N1_LOGIN_WINDOW_MINUTES. */
  loginMaxFailures: number;
  loginWindowMs: number;
}

export const openAccess: AccessSettings = {
  token: null,
  proxyHeader: null,
  trustedProxies: null,
  allowedHosts: null,
  protectMetrics: false,
  sessionMs: 12 * 3_600_000,
  loginMaxFailures: 10,
  loginWindowMs: 15 * 60_000,
};

export const SESSION_COOKIE = "n1radar_session";
/** The token user's name in the history. */
export const TOKEN_USER = "token";
/** Longest user name kept from the proxy header. */
const MAX_USER_LENGTH = 200;

/** Answered without sign-in: the probes, and the sign-in page itself. */
const PROBES = new Set(["/api/health", "/api/ready"]);

/** A refusal in the API's error shape, with the status core maps its code to (as the API's own errors). */
function refuse(c: Context, code: ErrorCode, message: string) {
  return c.json({ error: { code, message } }, ERROR_STATUS[code].http as ContentfulStatusCode);
}

function peerOf(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // app.request() in tests has no socket
  }
}

/** Installs the checks on `app` (before its routes) and the /login and /logout routes. */
export function installAccess(app: Hono, settings: AccessSettings, now: () => number = Date.now): void {
  const guarded = settings.token !== null || settings.proxyHeader !== null;
  const sessions = settings.token === null ? null : new SessionSigner(settings.token, settings.sessionMs);
  const limiter = new LoginLimiter({
    maxFailures: settings.loginMaxFailures,
    windowMs: settings.loginWindowMs,
  });
  const trustedPeer = (c: Context) => isTrusted(settings.trustedProxies, peerOf(c));
  const https = (c: Context) =>
    new URL(c.req.url).protocol === "https:" ||
    (trustedPeer(c) && c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() === "https");
  const client = (c: Context) =>
    clientAddress(settings.trustedProxies, peerOf(c), c.req.header("x-forwarded-for"));

  const proxyUser = (c: Context): string | null => {
    if (!settings.proxyHeader || !trustedPeer(c)) return null;
    const name = c.req
      .header(settings.proxyHeader)
      ?.replace(/[\u0000-\u001f\u007f]/g, "")
      .trim();
    return name ? name.slice(0, MAX_USER_LENGTH) : null;
  };

  // A log line per failed sign-in (at most N1_LOGIN_MAX_FAILURES per address and window) and one when an address
  // is locked out: what an operator or fail2ban watches. The address and the way, never what was sent.
  const failed = (address: string, via: "form" | "bearer") => {
    log.warn({ client: address, via }, "failed sign-in");
    if (limiter.fail(address, now()))
      log.warn(
        { client: address, minutes: Math.round(settings.loginWindowMs / 60_000) },
        "too many failed sign-ins: address locked out",
      );
  };

  const tooMany = (c: Context, retryMs: number) => {
    c.header("retry-after", String(Math.ceil(retryMs / 1000)));
    return refuse(c, "too_many_requests", "too many failed sign-ins from this address; try later");
  };

  app.use("*", async (c, next) => {
    const path = c.req.path;
    const url = new URL(c.req.url);
    const host = c.req.header("host") ?? url.host;
    const probe = PROBES.has(path) || path === "/metrics";
    if (!probe && !hostAllowed(host, settings.allowedHosts, guarded)) {
      return refuse(
        c,
        "forbidden",
        `this n1radar does not answer to the name ${JSON.stringify(host)}: add it to N1_ALLOWED_HOSTS, or set N1_AUTH_TOKEN (protection against DNS rebinding)`,
      );
    }
    const signForm = path === "/login" || path === "/logout";
    const origin = `${https(c) ? "https" : "http"}://${host}`;
    const problem = forgeryProblem({
      method: c.req.method,
      origin,
      header: (name) => c.req.header(name),
      requireJson: !signForm,
    });
    if (problem) return refuse(c, "forbidden", problem);

    c.set("user", null);
    if (!guarded || signForm || PROBES.has(path) || (path === "/metrics" && !settings.protectMetrics))
      return next();

    const user = proxyUser(c);
    if (user !== null) {
      c.set("user", user);
      return next();
    }
    const authorization = c.req.header("authorization");
    if (settings.token !== null && authorization !== undefined) {
      const address = client(c);
      const wait = limiter.retryAfterMs(address, now());
      if (wait > 0) return tooMany(c, wait);
      const bearer = /^Bearer +(\S+)\s*$/i.exec(authorization)?.[1];
      if (bearer !== undefined && sameSecret(bearer, settings.token)) {
        limiter.succeed(address);
        c.set("user", TOKEN_USER);
        return next();
      }
      failed(address, "bearer");
      c.header("www-authenticate", 'Bearer realm="n1radar", error="invalid_token"');
      return refuse(c, "unauthorized", "the access token is not right");
    }
    if (sessions?.verify(getCookie(c, SESSION_COOKIE), now())) {
      c.set("user", TOKEN_USER);
      return next();
    }

    if (path.startsWith("/api/") || path === "/api" || path === "/metrics" || c.req.method !== "GET") {
      c.header("www-authenticate", 'Bearer realm="n1radar"');
      return refuse(
        c,
        "unauthorized",
        "sign in: send Authorization: Bearer <N1_AUTH_TOKEN>, or sign in on the dashboard at /login",
      );
    }
    const site = c.req.header("sec-fetch-site");
    if (site === "cross-site" || site === "same-site") return c.html(sameSiteReloadPage(), 200);
    return c.redirect(`/login?next=${encodeURIComponent(safeNext(path + url.search))}`, 302);
  });

  const renderLogin = (c: Context, next: string, problem: string | undefined, status: 200 | 401 | 429) => {
    c.header("content-security-policy", LOGIN_CSP);
    c.header("cache-control", "no-store");
    return c.html(loginPage({ next, problem, tokenAccepted: sessions !== null }), status);
  };

  app.get("/login", (c) => {
    const next = safeNext(c.req.query("next"));
    if (!guarded || proxyUser(c) !== null || sessions?.verify(getCookie(c, SESSION_COOKIE), now()))
      return c.redirect(next, 303);
    return renderLogin(c, next, undefined, 200);
  });

  app.post("/login", bodyLimit({ maxSize: 8 * 1024 }), async (c) => {
    if (!sessions) return c.redirect("/", 303);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const next = safeNext(typeof form.next === "string" ? form.next : undefined);
    const address = client(c);
    const wait = limiter.retryAfterMs(address, now());
    if (wait > 0) {
      c.header("retry-after", String(Math.ceil(wait / 1000)));
      return renderLogin(c, next, "Too many failed attempts from this address. Try again later.", 429);
    }
    const token = typeof form.token === "string" ? form.token : "";
    if (!settings.token || !sameSecret(token, settings.token)) {
      failed(address, "form");
      return renderLogin(c, next, "That access token is not right.", 401);
    }
    limiter.succeed(address);
    const session = sessions.issue(now());
    setCookie(c, SESSION_COOKIE, session.value, {
      path: "/",
      httpOnly: true,
      sameSite: "Strict",
      secure: https(c),
      maxAge: Math.floor(settings.sessionMs / 1000),
    });
    return c.redirect(next, 303);
  });

  app.post("/logout", (c) => {
    sessions?.revoke(getCookie(c, SESSION_COOKIE), now());
    deleteCookie(c, SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "Strict", secure: https(c) });
    return c.redirect(guarded ? "/login" : "/", 303);
  });
}

/** Access as the dashboard's config reports it: how people sign in, and who this request is. */
export function accessView(settings: AccessSettings, user: string | null): DashboardConfig["access"] {
  const mode = settings.token !== null ? "token" : settings.proxyHeader !== null ? "proxy" : "open";
  return { mode, user, canSignOut: settings.token !== null && user === TOKEN_USER };
}

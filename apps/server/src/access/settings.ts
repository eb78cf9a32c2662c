/** The access-control settings (N1_AUTH_*, N1_TRUSTED_PROXIES, N1_LOGIN_*, N1_SESSION_HOURS) from the environment. */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { AccessSettings } from "./access.js";
import { parseAllowedHosts } from "./hosts.js";
import { parseTrustedProxies } from "./proxies.js";

/** Header-safe and long enough that the sign-in rate limit makes guessing hopeless. */
const TOKEN = /^[\x21-\x7e]{16,}$/;
const TOKEN_RULE =
  "must be at least 16 visible ASCII characters without spaces (e.g. `openssl rand -hex 32`)";

export const accessEnvShape = {
  N1_AUTH_TOKEN: z.string().regex(TOKEN, TOKEN_RULE).optional(),
  N1_AUTH_TOKEN_FILE: z.string().optional(),
  N1_AUTH_PROXY_HEADER: z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .refine((h) => /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(h) && !["authorization", "cookie", "host"].includes(h), {
      message: "expected a header name such as x-forwarded-user",
    })
    .optional(),
  N1_TRUSTED_PROXIES: z.string().default(""),
  N1_ALLOWED_HOSTS: z.string().optional(),
  N1_AUTH_METRICS: z.enum(["true", "false"]).default("false"),
  N1_SESSION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(12),
  N1_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(10_000).default(10),
  N1_LOGIN_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
};

/** Variables whose values never appear in an error message or a log line. */
export const SECRET_SETTINGS = new Set(["N1_AUTH_TOKEN"]);

type AccessEnv = z.infer<z.ZodObject<typeof accessEnvShape>>;

export function parseAccessSettings(env: AccessEnv): AccessSettings | { error: string } {
  let token = env.N1_AUTH_TOKEN ?? null;
  if (env.N1_AUTH_TOKEN_FILE !== undefined) {
    if (token !== null) return { error: "set N1_AUTH_TOKEN or N1_AUTH_TOKEN_FILE, not both" };
    try {
      token = readFileSync(env.N1_AUTH_TOKEN_FILE, "utf8").trim();
    } catch (error) {
      return {
        error: `N1_AUTH_TOKEN_FILE: cannot read ${env.N1_AUTH_TOKEN_FILE} (${(error as NodeJS.ErrnoException).code})`,
      };
    }
    if (!TOKEN.test(token))
      return { error: `N1_AUTH_TOKEN_FILE: the token in ${env.N1_AUTH_TOKEN_FILE} ${TOKEN_RULE}` };
  }
  const trusted = parseTrustedProxies(env.N1_TRUSTED_PROXIES);
  if ("error" in trusted) return { error: `N1_TRUSTED_PROXIES: ${trusted.error}` };
  const allowedHosts = env.N1_ALLOWED_HOSTS === undefined ? null : parseAllowedHosts(env.N1_ALLOWED_HOSTS);
  if (allowedHosts !== null && typeof allowedHosts === "object" && !Array.isArray(allowedHosts))
    return { error: `N1_ALLOWED_HOSTS: ${allowedHosts.error}` };
  const proxyHeader = env.N1_AUTH_PROXY_HEADER ?? null;
  if (proxyHeader !== null && trusted.count === 0)
    return {
      error:
        "N1_AUTH_PROXY_HEADER needs N1_TRUSTED_PROXIES: the addresses of the proxy that sets it (anyone else could)",
    };
  return {
    token,
    proxyHeader,
    trustedProxies: trusted.count > 0 ? trusted.proxies : null,
    allowedHosts,
    protectMetrics: env.N1_AUTH_METRICS === "true",
    sessionMs: env.N1_SESSION_HOURS * 3_600_000,
    loginMaxFailures: env.N1_LOGIN_MAX_FAILURES,
    loginWindowMs: env.N1_LOGIN_WINDOW_MINUTES * 60_000,
  };
}

/**
 * What start-up says about access, for stderr. Without a token or a proxy it is loud: anyone who reaches the
 * port reads every statement and can resolve or ignore findings.
 */
export function accessNotice(settings: AccessSettings, port: number): { warning: boolean; text: string } {
  if (settings.token === null && settings.proxyHeader === null) {
    const bar = "!".repeat(78);
    return {
      warning: true,
      text: [
        bar,
        `!! n1radar: NO ACCESS CONTROL. Anyone who can reach port ${port} can read every statement and`,
        "!! resolve or ignore findings. Set N1_AUTH_TOKEN (or N1_AUTH_TOKEN_FILE), or put a sign-in proxy in",
        "!! front with N1_AUTH_PROXY_HEADER and N1_TRUSTED_PROXIES (README: Access control).",
        bar,
      ].join("\n"),
    };
  }
  const ways = [
    settings.token !== null ? "the access token (N1_AUTH_TOKEN)" : null,
    settings.proxyHeader !== null ? `the sign-in proxy's ${settings.proxyHeader} header` : null,
  ].filter((w) => w !== null);
  return { warning: false, text: `n1radar: access control on: ${ways.join(" or ")}` };
}

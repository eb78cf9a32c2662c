/**
 * The headers a self-hosted dashboard is expected to send on every answer. The Content-Security-Policy lets the
 * built dashboard load its own scripts, styles and the inline theme script (by hash, read from the built
 * index.html) and nothing else: no inline script an injected string could smuggle in, no framing (clickjacking),
 * no form posts elsewhere, no connections to other origins.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { MiddlewareHandler } from "hono";

/** `'sha256-…'` sources for each inline `<script>` (one without `src`) in an HTML page. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/gi)) {
    if (/\ssrc\s*=/i.test(match[1] ?? "")) continue;
    hashes.push(
      `'sha256-${createHash("sha256")
        .update(match[2] ?? "", "utf8")
        .digest("base64")}'`,
    );
  }
  return hashes;
}

export function contentSecurityPolicy(
  options: { scriptHashes?: string[]; styleHashes?: string[] } = {},
): string {
  const scripts = ["'self'", ...(options.scriptHashes ?? [])].join(" ");
  const styles = ["'self'", ...(options.styleHashes ?? [])].join(" ");
  return [
    "default-src 'self'",
    `script-src ${scripts}`,
    `style-src ${styles}`,
    // The favicon is a data: URI.
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The policy for the dashboard built in `dashboardDir` (its inline scripts allowed by hash). */
export function dashboardCsp(dashboardDir: string | undefined): string {
  const index = dashboardDir ? join(dashboardDir, "index.html") : null;
  if (!index || !existsSync(index)) return contentSecurityPolicy();
  return contentSecurityPolicy({ scriptHashes: inlineScriptHashes(readFileSync(index, "utf8")) });
}

/** Sets the security headers on every response; a route may set its own CSP (the login page's style hash). */
export function securityHeaders(csp: string): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    if (!headers.has("content-security-policy")) headers.set("content-security-policy", csp);
    headers.set("x-frame-options", "DENY");
    headers.set("x-content-type-options", "nosniff");
    // same-origin rather than no-referrer: with no-referrer, browsers send `Origin: null` on the dashboard's own
    // POSTs, which the CSRF check would then have to trust or refuse.
    headers.set("referrer-policy", "same-origin");
    headers.set("cross-origin-opener-policy", "same-origin");
    headers.set("cross-origin-resource-policy", "same-origin");
    headers.set("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()");
  };
}

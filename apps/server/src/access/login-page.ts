/**
 * The sign-in page: a tiny server-rendered form rather than a dashboard route, so that nothing of the dashboard
 * (not even its scripts) is served before sign-in, and signing in works without JavaScript. Its look follows the
 * dashboard's tokens (app.css); its one inline stylesheet is allowed by hash in its own CSP.
 */
import { createHash } from "node:crypto";
import { contentSecurityPolicy } from "./headers.js";

const STYLE = `
:root { color-scheme: light dark; --bg: light-dark(#f6f7f9, #0e1014); --surface: light-dark(#ffffff, #161920);
  --text: light-dark(#16181d, #e7e9ee); --muted: light-dark(#5d6270, #a2a8b5); --border: light-dark(#e2e5ea, #2a2f39);
  --accent: light-dark(#c2410c, #fb923c); --on-accent: light-dark(#ffffff, #1b1004);
  --danger: light-dark(#b91c1c, #f87171); --focus: light-dark(#2563eb, #7aa7ff); }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { width: min(380px, calc(100vw - 32px)); background: var(--surface); border: 1px solid var(--border);
  border-radius: 10px; padding: 28px; }
h1 { margin: 0 0 4px; font-size: 20px; display: flex; align-items: center; gap: 8px; }
h1 svg { color: var(--accent); }
p { margin: 0 0 18px; color: var(--muted); }
label { display: block; font-weight: 550; margin-bottom: 6px; }
input { width: 100%; padding: 8px 10px; font: inherit; color: inherit; background: transparent;
  border: 1px solid var(--border); border-radius: 6px; }
input:focus-visible, button:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
button { margin-top: 14px; width: 100%; padding: 9px; font: inherit; font-weight: 600; border: 0;
  border-radius: 6px; background: var(--accent); color: var(--on-accent); cursor: pointer; }
.problem { color: var(--danger); margin: 0 0 14px; }
`;

const STYLE_HASH = `'sha256-${createHash("sha256").update(STYLE, "utf8").digest("base64")}'`;

/** The login page's own policy: the dashboard's, plus its inline stylesheet. */
export const LOGIN_CSP = contentSecurityPolicy({ styleHashes: [STYLE_HASH] });

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const LOGO = `<svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true"><circle cx="16" cy="16" r="13" fill="none" stroke="currentColor" stroke-width="2.5"/><path d="M16 16 L27 9" stroke="currentColor" stroke-width="2.5" stroke-linecap="round"/><circle cx="16" cy="16" r="2.5" fill="currentColor"/></svg>`;

export interface LoginPageOptions {
  /** Where to go after signing in (a path on this server, already checked). */
  next: string;
  problem?: string;
  /** False when only the sign-in proxy can let people in (no N1_AUTH_TOKEN): no form, a sentence instead. */
  tokenAccepted: boolean;
}

export function loginPage(options: LoginPageOptions): string {
  const problem = options.problem ? `<p class="problem" role="alert">${escapeHtml(options.problem)}</p>` : "";
  const body = options.tokenAccepted
    ? `<p>This n1radar needs its access token (N1_AUTH_TOKEN).</p>
${problem}<form method="post" action="/login">
<input type="hidden" name="next" value="${escapeHtml(options.next)}">
<label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>`
    : `<p>This n1radar is signed into through your sign-in proxy, and this request did not come through it.</p>${problem}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>Sign in · n1radar</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${LOGO}Sign in to n1radar</h1>
${body}
</main>
</body>
</html>`;
}

/**
 * A page opened from another site (a link in a chat alert) arrives without the SameSite=Strict cookie even when
 * the person is signed in. This page reloads the same address from the dashboard's own origin, which does carry it.
 */
export function sameSiteReloadPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0"><title>n1radar</title></head><body></body></html>`;
}

/** A `next` target that stays on this server: a path, never `//host` or a scheme. */
export function safeNext(next: string | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f\\]/.test(next)) return "/";
  return next;
}

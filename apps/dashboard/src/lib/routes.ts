// Pure routing rules: which page a path shows, and which link clicks the app handles itself.

export type Route =
  | { name: "offenders" }
  | { name: "overview" }
  | { name: "alerts" }
  | { name: "ignore_rules" }
  | { name: "offender"; id: string }
  | { name: "not_found" };

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, "") || "/";
  if (path === "/") return { name: "offenders" };
  if (path === "/overview") return { name: "overview" };
  if (path === "/alerts") return { name: "alerts" };
  if (path === "/ignore-rules") return { name: "ignore_rules" };
  const id = /^\/findings\/([^/]+)$/.exec(path)?.[1];
  if (id !== undefined) {
    try {
      return { name: "offender", id: decodeURIComponent(id) };
    } catch {
      return { name: "not_found" }; // malformed %-escape
    }
  }
  return { name: "not_found" };
}

export function offenderPath(id: string): string {
  return `/findings/${encodeURIComponent(id)}`;
}

export interface ClickInfo {
  button: number;
  metaKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  defaultPrevented: boolean;
}

export interface AnchorInfo {
  /** Absolute URL, as HTMLAnchorElement.href gives it. */
  href: string;
  target: string;
  download: boolean;
  rel: string;
}

/**
 * The path + query to navigate to in-app for a click on an anchor, or null to leave it to the browser:
 * modified or non-primary clicks (new tab), other origins, downloads, targets, the API, same-page #hashes.
 */
export function interceptedPath(click: ClickInfo, anchor: AnchorInfo, current: URL): string | null {
  if (click.defaultPrevented || click.button !== 0) return null;
  if (click.metaKey || click.ctrlKey || click.shiftKey || click.altKey) return null;
  if (anchor.download || (anchor.target !== "" && anchor.target !== "_self")) return null;
  if (/\bexternal\b/.test(anchor.rel)) return null;
  let url: URL;
  try {
    url = new URL(anchor.href, current);
  } catch {
    return null;
  }
  if (url.origin !== current.origin || url.pathname.startsWith("/api/")) return null;
  if (url.hash !== "" && url.pathname === current.pathname && url.search === current.search) return null;
  return url.pathname + url.search + url.hash;
}

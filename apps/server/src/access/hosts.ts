/**
 * DNS rebinding: a page on attacker.example can re-point its own name at the dashboard's address and then read
 * the dashboard as same-origin, every statement included. Browsers still send the attacker's name as Host, so a
 * dashboard without sign-in answers only to names that cannot be rebound from outside: IP literals, `localhost`,
 * and single-label names (`n1radar` in a compose network), plus N1_ALLOWED_HOSTS. With a token or a sign-in proxy
 * the rebinding page has no session, so any name is accepted unless N1_ALLOWED_HOSTS is set.
 */
import { isIP } from "node:net";

/** `*` (any), or a list of host names, lower case, without ports. */
export type AllowedHosts = "*" | string[];

export function parseAllowedHosts(text: string): AllowedHosts | { error: string } {
  const list = text
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== "");
  if (list.includes("*")) return "*";
  const bad = list.find((h) => !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(h));
  if (bad !== undefined)
    return { error: `${JSON.stringify(bad)} is not a host name such as n1radar.example.com` };
  return list;
}

/** The name in a Host header: without the port, IPv6 brackets removed, lower case; null when malformed. */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const h = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(h);
  if (bracketed) return bracketed[1] as string;
  const plain = /^([a-z0-9.-]+)(?::\d{1,5})?$/.exec(h);
  return plain ? (plain[1] as string).replace(/\.$/, "") : null;
}

/** Whether a request addressed to `host` may be answered; `allowed` null means the defaults above. */
export function hostAllowed(
  header: string | undefined,
  allowed: AllowedHosts | null,
  guarded: boolean,
): boolean {
  if (allowed === "*" || (allowed === null && guarded)) return true;
  const name = hostName(header);
  if (name === null) return false;
  if (isIP(name) !== 0) return true; // an address cannot be rebound: the page's origin is the server itself
  if (allowed !== null) return allowed.includes(name);
  return name === "localhost" || name.endsWith(".localhost") || !name.includes(".");
}

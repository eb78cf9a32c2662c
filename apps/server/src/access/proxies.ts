/**
 * Which peers are trusted proxies (N1_TRUSTED_PROXIES: addresses and CIDR ranges), and what that trust allows:
 * their X-Forwarded-For names the client (for the sign-in rate limit), their X-Forwarded-Proto says whether the
 * browser used https (the cookie's Secure flag), and their N1_AUTH_PROXY_HEADER names the signed-in user.
 * A header from any other peer is ignored: anyone can send one.
 */
import { BlockList, isIP } from "node:net";

export type TrustedProxies = BlockList;

/** Parses `10.0.0.5, 10.1.0.0/16, ::1`; returns the problem with the first bad entry instead. */
export function parseTrustedProxies(
  text: string,
): { proxies: TrustedProxies; count: number } | { error: string } {
  const proxies = new BlockList();
  let count = 0;
  for (const entry of text
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "")) {
    const [address = "", prefix, extra] = entry.split("/");
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
    const max = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (bits !== undefined && !(bits >= 0 && bits <= max)))
      return {
        error: `${JSON.stringify(entry)} is not an address or CIDR range such as 10.0.0.5 or 10.0.0.0/8`,
      };
    const type = family === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) proxies.addAddress(address, type);
    else proxies.addSubnet(address, bits, type);
    count += 1;
  }
  return { proxies, count };
}

/** `::ffff:10.0.0.5`, as Node reports IPv4 peers on a dual-stack socket, is 10.0.0.5. */
function plain(address: string): string {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

export function isTrusted(proxies: TrustedProxies | null, address: string | undefined): boolean {
  if (!proxies || !address) return false;
  const a = plain(address);
  const family = isIP(a);
  return family !== 0 && proxies.check(a, family === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address: the peer's, or when the peer is a trusted proxy, the nearest X-Forwarded-For entry that
 * is not itself a trusted proxy (entries further left were written by the client and prove nothing).
 */
export function clientAddress(
  proxies: TrustedProxies | null,
  peer: string | undefined,
  forwardedFor: string | undefined,
): string {
  let address = peer ? plain(peer) : "unknown";
  if (!isTrusted(proxies, address) || !forwardedFor) return address;
  const hops = forwardedFor.split(",").map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    address = plain(hops[i] as string);
    if (!isTrusted(proxies, address)) break;
  }
  return address;
}

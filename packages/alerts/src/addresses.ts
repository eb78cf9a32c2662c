/**
 * Which network addresses alerts may be sent to. Checked on the addresses a host resolves to, at connection time
 * (see the server's guarded lookup), never on the host name: names can point anywhere and change (DNS rebinding).
 * Refused by default: loopback, private, CGNAT, link-local (cloud metadata), multicast, reserved and documentation
 * ranges, for IPv4, IPv6, and IPv4 carried inside IPv6 (mapped, compatible, NAT64, 6to4).
 */
import { isIP } from "node:net";

/** 4 or 16 bytes. */
type Bytes = number[];

function parseV4(text: string): Bytes | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : null;
}

function parseV6(text: string): Bytes | null {
  let head = text.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const tail: number[] = [];
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(head);
  if (quad) {
    const v4 = parseV4(quad[1]!);
    if (!v4) return null;
    head = head.slice(0, -quad[1]!.length) + "0:0";
    tail.push(...v4);
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return null;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const bytes = all.flatMap((g) => [Number.parseInt(g, 16) >> 8, Number.parseInt(g, 16) & 255]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

export function parseAddress(text: string): Bytes | null {
  const family = isIP(text.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
  if (family === 4) return parseV4(text);
  if (family === 6) return parseV6(text);
  return null;
}

export interface Cidr {
  bytes: Bytes;
  prefix: number;
  text: string;
}

export function parseCidr(text: string): Cidr | null {
  const [address, bits] = text.trim().split("/");
  const bytes = parseAddress(address ?? "");
  if (!bytes) return null;
  const max = bytes.length * 8;
  const prefix = bits === undefined ? max : /^\d+$/.test(bits) ? Number(bits) : -1;
  return prefix >= 0 && prefix <= max ? { bytes, prefix, text: text.trim() } : null;
}

export function inCidr(bytes: Bytes, cidr: Cidr): boolean {
  if (bytes.length !== cidr.bytes.length) return false;
  for (let bit = 0; bit < cidr.prefix; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((bytes[bit >> 3]! & mask) !== (cidr.bytes[bit >> 3]! & mask)) return false;
  }
  return true;
}

const RANGES: [string, string][] = [
  ["0.0.0.0/8", "this network"],
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "carrier-grade NAT"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local (cloud metadata)"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "IETF protocol assignments"],
  ["192.0.2.0/24", "documentation"],
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "benchmarking"],
  ["198.51.100.0/24", "documentation"],
  ["203.0.113.0/24", "documentation"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"],
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["100::/64", "discard"],
  ["2001:db8::/32", "documentation"],
  ["fc00::/7", "unique local (private)"],
  ["fe80::/10", "link-local"],
  ["fec0::/10", "site-local"],
  ["ff00::/8", "multicast"],
];
const BLOCKED = RANGES.map(([cidr, reason]) => ({ cidr: parseCidr(cidr)!, reason }));

/** IPv4 carried in an IPv6 address: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64, 6to4. */
function embeddedV4(bytes: Bytes): Bytes | null {
  if (bytes.length !== 16) return null;
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  if (zeros(0, 12) && !zeros(12, 16)) return bytes.slice(12);
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12))
    return bytes.slice(12);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6);
  return null;
}

/** Why an address is refused by default, or null when it is a public one. Unparseable text is refused. */
export function blockedReason(address: string): string | null {
  const bytes = parseAddress(address);
  if (!bytes) return "not an IP address";
  const direct = BLOCKED.find((b) => inCidr(bytes, b.cidr))?.reason;
  if (direct) return direct;
  const v4 = embeddedV4(bytes);
  const inner = v4 ? blockedReason(v4.join(".")) : null;
  return inner ? `${inner} (IPv4 inside IPv6)` : null;
}

/** ALERT_ALLOW_PRIVATE_URLS and ALERT_ALLOWED_TARGETS. */
export interface TargetPolicy {
  /** Any address and plain http (on-premises chat, tests). */
  allowPrivate: boolean;
  /** Addresses allowed even when private (and http to them). */
  allowedCidrs: Cidr[];
  /** Host names whose addresses are allowed even when private (and http to them); lower case. */
  allowedHosts: string[];
}

export const defaultTargetPolicy: TargetPolicy = { allowPrivate: false, allowedCidrs: [], allowedHosts: [] };

/** ALERT_ALLOWED_TARGETS: a comma list of CIDRs (10.0.0.0/8, fd00::/8), addresses or host names. */
export function parseAllowedTargets(text: string): { cidrs: Cidr[]; hosts: string[] } | { error: string } {
  const cidrs: Cidr[] = [];
  const hosts: string[] = [];
  for (const entry of text
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "")) {
    const cidr = parseCidr(entry);
    if (cidr) cidrs.push(cidr);
    else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(entry))
      hosts.push(entry.toLowerCase());
    else return { error: `${JSON.stringify(entry)} is neither a CIDR such as 10.0.0.0/8 nor a host name` };
  }
  return { cidrs, hosts };
}

function hostAllowed(host: string, policy: TargetPolicy): boolean {
  return policy.allowedHosts.includes(host.toLowerCase().replace(/\.$/, ""));
}

/** Null when `address` (resolved for `host`) may be connected to, else why not. */
export function addressRefusal(address: string, host: string, policy: TargetPolicy): string | null {
  if (policy.allowPrivate || hostAllowed(host, policy)) return null;
  const bytes = parseAddress(address);
  if (bytes && policy.allowedCidrs.some((c) => inCidr(bytes, c))) return null;
  const reason = blockedReason(address);
  return reason ? `${address} is a ${reason} address` : null;
}

/**
 * Null when the URL may be used as a destination, else why not: http(s) only, https unless private targets are
 * allowed or the host is allowlisted, no credentials in it. Addresses are checked later, when connecting.
 */
export function urlRefusal(url: string, policy: TargetPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a URL";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return "must be an https URL";
  if (parsed.username || parsed.password) return "must not carry a user name or password";
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const literal = parseAddress(host);
  const allowlisted =
    policy.allowPrivate ||
    hostAllowed(host, policy) ||
    (literal !== null && policy.allowedCidrs.some((c) => inCidr(literal, c)));
  if (parsed.protocol === "http:" && !allowlisted)
    return "must be https (plain http needs ALERT_ALLOW_PRIVATE_URLS=true or the host in ALERT_ALLOWED_TARGETS)";
  if (literal) return addressRefusal(host, host, policy);
  return null;
}

import { describe, expect, it } from "vitest";
import { clientAddress, isTrusted, parseTrustedProxies } from "./proxies.js";

function proxies(text: string) {
  const parsed = parseTrustedProxies(text);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed.proxies;
}

describe("trusted proxies", () => {
  it("match addresses and CIDR ranges, IPv4 (also IPv4-mapped) and IPv6", () => {
    const trusted = proxies("10.0.0.0/8, 192.0.2.1, fd00::/8");
    expect(isTrusted(trusted, "10.200.1.1")).toBe(true);
    expect(isTrusted(trusted, "::ffff:10.1.1.1")).toBe(true);
    expect(isTrusted(trusted, "192.0.2.1")).toBe(true);
    expect(isTrusted(trusted, "192.0.2.2")).toBe(false);
    expect(isTrusted(trusted, "fd12::1")).toBe(true);
    expect(isTrusted(trusted, "2001:db8::1")).toBe(false);
    expect(isTrusted(trusted, undefined)).toBe(false);
    expect(isTrusted(null, "10.0.0.1")).toBe(false);
  });

  it("refuse what is not an address or range", () => {
    for (const bad of ["10.0.0.0/33", "example.com", "10.0.0.1/8/1", "10.0.0/8", "::1/129", "10.0.0.0/x"])
      expect(parseTrustedProxies(bad), bad).toHaveProperty("error");
    expect(parseTrustedProxies(" ")).toMatchObject({ count: 0 });
  });

  it("take the client from X-Forwarded-For only behind a trusted proxy, nearest untrusted hop first", () => {
    const trusted = proxies("10.0.0.0/8");
    expect(clientAddress(trusted, "10.0.0.2", "1.2.3.4, 198.51.100.9, 10.0.0.3")).toBe("198.51.100.9");
    expect(clientAddress(trusted, "198.51.100.1", "1.2.3.4")).toBe("198.51.100.1");
    expect(clientAddress(null, "198.51.100.1", "1.2.3.4")).toBe("198.51.100.1");
    expect(clientAddress(trusted, undefined, undefined)).toBe("unknown");
  });
});

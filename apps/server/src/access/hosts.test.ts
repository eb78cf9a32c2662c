import { describe, expect, it } from "vitest";
import { hostAllowed, hostName, parseAllowedHosts } from "./hosts.js";

describe("hostName", () => {
  it("takes the name from a Host header, without port or brackets", () => {
    expect(hostName("LocalHost:3000")).toBe("localhost");
    expect(hostName("[::1]:3000")).toBe("::1");
    expect(hostName("n1radar.example.com.")).toBe("n1radar.example.com");
    expect(hostName("a b")).toBeNull();
    expect(hostName(undefined)).toBeNull();
  });
});

describe("hostAllowed", () => {
  it("without sign-in, answers only names that cannot be rebound from outside", () => {
    for (const host of [
      "127.0.0.1:3000",
      "[::1]:3000",
      "10.1.2.3",
      "localhost:3000",
      "app.localhost",
      "n1radar:3000",
    ])
      expect(hostAllowed(host, null, false), host).toBe(true);
    for (const host of ["attacker.example:3000", "n1radar.example.com", "", "a b"])
      expect(hostAllowed(host, null, false), host).toBe(false);
  });

  it("with sign-in, answers any name; N1_ALLOWED_HOSTS narrows or widens either way", () => {
    expect(hostAllowed("n1radar.example.com", null, true)).toBe(true);
    const list = parseAllowedHosts("N1radar.example.com, other.example.com");
    if (!Array.isArray(list)) throw new Error("expected a list");
    expect(hostAllowed("n1radar.example.com:443", list, false)).toBe(true);
    expect(hostAllowed("attacker.example", list, true)).toBe(false);
    expect(hostAllowed("localhost", list, false)).toBe(false);
    expect(hostAllowed("192.0.2.1", list, true)).toBe(true);
    expect(hostAllowed("attacker.example", "*", false)).toBe(true);
  });

  it("refuses what is not a host name in the setting", () => {
    expect(parseAllowedHosts("http://x.example")).toHaveProperty("error");
    expect(parseAllowedHosts("*, a.example")).toBe("*");
  });
});

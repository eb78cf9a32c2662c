import { describe, expect, it } from "vitest";
import {
  addressRefusal,
  blockedReason,
  defaultTargetPolicy,
  parseAllowedTargets,
  type TargetPolicy,
  urlRefusal,
} from "./addresses.js";

describe("blockedReason", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.100.100.200", "carrier-grade NAT"],
    ["169.254.169.254", "link-local (cloud metadata)"],
    ["0.0.0.0", "this network"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fd00:ec2::254", "unique local (private)"],
    ["fe80::1%eth0", "link-local"],
    ["::ffff:127.0.0.1", "loopback (IPv4 inside IPv6)"],
    ["::ffff:7f00:1", "loopback (IPv4 inside IPv6)"],
    ["::ffff:a9fe:a9fe", "link-local (cloud metadata) (IPv4 inside IPv6)"],
    ["64:ff9b::10.0.0.1", "private (IPv4 inside IPv6)"],
    ["2002:c0a8:0101::1", "private (IPv4 inside IPv6)"],
    ["not-an-ip", "not an IP address"],
  ])("refuses %s (%s)", (address, reason) => {
    expect(blockedReason(address)).toBe(reason);
  });

  it.each(["93.184.215.14", "172.32.0.1", "100.128.0.1", "2606:4700::6810:84e5", "::ffff:8.8.8.8"])(
    "accepts the public address %s",
    (address) => expect(blockedReason(address)).toBeNull(),
  );
});

describe("policy", () => {
  const allow = (text: string): TargetPolicy => {
    const parsed = parseAllowedTargets(text);
    if ("error" in parsed) throw new Error(parsed.error);
    return { allowPrivate: false, allowedCidrs: parsed.cidrs, allowedHosts: parsed.hosts };
  };

  it("lets ALERT_ALLOW_PRIVATE_URLS through everything", () => {
    const open = { ...defaultTargetPolicy, allowPrivate: true };
    expect(addressRefusal("127.0.0.1", "localhost", open)).toBeNull();
    expect(urlRefusal("http://127.0.0.1:8065/hooks/x", open)).toBeNull();
  });

  it("allows listed CIDRs and hosts only", () => {
    const policy = allow("10.20.0.0/16, mattermost.internal, fd12::/16");
    expect(addressRefusal("10.20.3.4", "chat.corp", policy)).toBeNull();
    expect(addressRefusal("10.21.3.4", "chat.corp", policy)).toBe("10.21.3.4 is a private address");
    expect(addressRefusal("192.168.0.9", "Mattermost.Internal", policy)).toBeNull();
    expect(addressRefusal("fd12::1", "x", policy)).toBeNull();
    expect(urlRefusal("http://mattermost.internal/hooks/abc", policy)).toBeNull();
    expect(urlRefusal("http://10.20.0.5/hooks/abc", policy)).toBeNull();
    expect(urlRefusal("http://10.30.0.5/hooks/abc", policy)).toMatch(/must be https/);
  });

  it("refuses bad allowlist entries by name", () => {
    expect(parseAllowedTargets("10.0.0.0/33")).toEqual({
      error: '"10.0.0.0/33" is neither a CIDR such as 10.0.0.0/8 nor a host name',
    });
    expect(parseAllowedTargets("http://x")).toHaveProperty("error");
  });

  it("checks URLs: https only, no credentials, no private literal addresses", () => {
    const p = defaultTargetPolicy;
    expect(urlRefusal("https://hooks.slack.com/services/T/B/x", p)).toBeNull();
    expect(urlRefusal("http://hooks.slack.com/services/T/B/x", p)).toMatch(/must be https/);
    expect(urlRefusal("ftp://example.com/x", p)).toBe("must be an https URL");
    expect(urlRefusal("not a url", p)).toBe("is not a URL");
    expect(urlRefusal("https://user:pw@example.com/", p)).toMatch(/user name or password/);
    expect(urlRefusal("https://127.0.0.1/", p)).toBe("127.0.0.1 is a loopback address");
    // WHATWG URL parsing normalises the decimal and IPv6 forms before the check.
    expect(urlRefusal("https://2130706433/", p)).toBe("127.0.0.1 is a loopback address");
    expect(urlRefusal("https://[::ffff:169.254.169.254]/", p)).toMatch(/link-local/);
  });
});

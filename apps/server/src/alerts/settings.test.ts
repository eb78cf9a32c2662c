import { generateSecret } from "@n1radar/alerts";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../config.js";

const slack = { name: "ops", type: "slack", url: "https://hooks.slack.com/services/T0/B0/s3cr3tT0ken" };
const parse = (env: Record<string, string>) => parseConfig(env).alerts;
const failure = (env: Record<string, string>) => {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
};

describe("alert settings", () => {
  it("has no destinations and safe defaults when nothing is set", () => {
    expect(parse({})).toMatchObject({
      destinations: [],
      policy: { allowPrivate: false, allowedCidrs: [], allowedHosts: [] },
      publicUrl: null,
      timeoutMs: 10_000,
      retry: { maxAttempts: 8 },
    });
  });

  it("reads ALERT_DESTINATIONS and PUBLIC_URL", () => {
    const secret = generateSecret();
    const hook = { name: "ci", type: "webhook", url: "https://ci.example.com/n1", secret, minRepeats: 10 };
    const alerts = parse({
      ALERT_DESTINATIONS: JSON.stringify([slack, hook]),
      PUBLIC_URL: "https://n1radar.example.com/",
    });
    expect(alerts.destinations).toEqual([slack, hook]);
    expect(alerts.publicUrl).toBe("https://n1radar.example.com");
  });

  it("stops with one message naming the bad destination, never its URL or secret", () => {
    const cases: [unknown, RegExp][] = [
      [[{ ...slack, type: "irc" }], /destination "ops": type: Invalid option/],
      [
        [{ ...slack, url: "http://hooks.slack.com/services/T0/B0/s3cr3tT0ken" }],
        /destination "ops": url must be https/,
      ],
      [[{ ...slack, url: "https://169.254.169.254/latest" }], /link-local \(cloud metadata\)/],
      [[slack, slack], /destination "ops" is named twice/],
      [
        [{ ...slack, name: "ci", type: "webhook", secret: "s3cr3tT0ken" }],
        /destination "ci": secret: a webhook needs/,
      ],
      [{ name: "x" }, /expected a JSON array/],
    ];
    for (const [value, message] of cases) {
      const text = failure({ ALERT_DESTINATIONS: JSON.stringify(value) });
      expect(text).toMatch(message);
      expect(text).not.toContain("s3cr3tT0ken");
    }
    expect(failure({ ALERT_DESTINATIONS: "[{" })).toMatch(/^ALERT_DESTINATIONS: not valid JSON/);
    expect(failure({ ALERT_DESTINATIONS: "[]", ALERT_DESTINATIONS_FILE: "/x" })).toMatch(/not both/);
    expect(failure({ ALERT_ALLOWED_TARGETS: "10.0.0.0/99" })).toMatch(
      /^ALERT_ALLOWED_TARGETS: "10.0.0.0\/99"/,
    );
    expect(failure({ PUBLIC_URL: "n1radar.local" })).toMatch(/PUBLIC_URL/);
  });

  it("lets ALERT_ALLOW_PRIVATE_URLS and ALERT_ALLOWED_TARGETS admit on-premises targets", () => {
    const local = [{ ...slack, type: "mattermost", url: "http://10.1.2.3:8065/hooks/abc" }];
    expect(failure({ ALERT_DESTINATIONS: JSON.stringify(local) })).toMatch(/must be https/);
    expect(
      parse({ ALERT_DESTINATIONS: JSON.stringify(local), ALERT_ALLOW_PRIVATE_URLS: "true" }).destinations,
    ).toHaveLength(1);
    expect(
      parse({ ALERT_DESTINATIONS: JSON.stringify(local), ALERT_ALLOWED_TARGETS: "10.1.0.0/16" }).destinations,
    ).toHaveLength(1);
  });
});

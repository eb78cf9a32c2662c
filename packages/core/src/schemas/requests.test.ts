/** Each request schema takes what the dashboard sends and refuses its broken twins. */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { isWebhookSecret } from "../alerts.js";
import { DestinationSettingsSchema } from "./alerts.js";
import {
  DeliveriesQuerySchema,
  EnabledChangeSchema,
  IgnorePreviewQuerySchema,
  IgnoreRequestSchema,
  OffenderListQuerySchema,
  OverviewQuerySchema,
  parseTimeBound,
  RuleIdSchema,
  StatusChangeSchema,
} from "./requests.js";

const NOW = Date.UTC(2026, 0, 10, 12, 0);
/** A Standard Webhooks secret: whsec_ and the base64 of 32 bytes. */
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwkMIzQQqW6Ac=";

describe("parseTimeBound", () => {
  it("reads ISO 8601 dates and times and durations back from now", () => {
    expect(parseTimeBound("2026-01-09", NOW)).toBe(Date.UTC(2026, 0, 9));
    expect(parseTimeBound("2026-01-09T08:30:00Z", NOW)).toBe(Date.UTC(2026, 0, 9, 8, 30));
    expect(parseTimeBound("2026-01-09T08:30:00.250+02:00", NOW)).toBe(Date.UTC(2026, 0, 9, 6, 30, 0, 250));
    expect(parseTimeBound("24h", NOW)).toBe(NOW - 24 * 3_600_000);
    expect(parseTimeBound("2w", NOW)).toBe(NOW - 14 * 86_400_000);
  });

  it("refuses what Date.parse would guess at: negative and bare numbers, impossible dates, prose", () => {
    for (const value of [
      "-1",
      "1",
      "1700000000",
      "2024-02-30",
      "2024-13-01",
      "Jan 5 2026",
      "2026-1-5",
      "24 h",
      "",
    ])
      expect(parseTimeBound(value, NOW), value).toBeNull();
  });
});

describe("isWebhookSecret", () => {
  it("takes whsec_ and padded base64 of 16 bytes or more", () => {
    expect(isWebhookSecret(SECRET)).toBe(true);
    expect(isWebhookSecret(`whsec_${btoa("0123456789abcdef")}`)).toBe(true); // 16 bytes, "==" padded
  });

  it("refuses a bare key, 15 bytes, unpadded or misplaced padding, and text that is not base64", () => {
    for (const secret of [
      SECRET.slice("whsec_".length),
      `whsec_${btoa("0123456789abcde")}`,
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwkMIzQQqW6Ac",
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZI=o2LaLaSwkMIzQQqW6Ac",
      "whsec_not base64!!",
    ])
      expect(isWebhookSecret(secret), secret).toBe(false);
  });
});

/** A schema, what it must take (and what that becomes), and broken twins it must refuse, naming the field. */
interface Case {
  name: string;
  schema: z.ZodType;
  valid: unknown;
  parsed: unknown;
  broken: [what: string, value: unknown, field: string][];
}

const cases: Case[] = [
  {
    name: "OffenderListQuery",
    schema: OffenderListQuerySchema,
    valid: {
      limit: "25",
      offset: "50",
      sort: "recent",
      status: "open, regressed",
      since: "7d",
      q: "authors",
    },
    parsed: {
      limit: 25,
      offset: 50,
      sort: "recent",
      status: ["open", "regressed"],
      since: "7d",
      q: "authors",
      trendHours: 24,
    },
    broken: [
      ["a limit in hex", { limit: "0x10" }, "limit"],
      ["a limit past 500", { limit: "501" }, "limit"],
      ["an unknown sort", { sort: "worst" }, "sort"],
      ["an unknown status among known ones", { status: "open,bogus" }, "status.1"],
      ["a time in epoch seconds", { since: "1700000000" }, "since"],
      ["a week of trend hours", { trendHours: "169" }, "trendHours"],
    ],
  },
  {
    name: "OverviewQuery",
    schema: OverviewQuerySchema,
    valid: { service: "blog", since: "2026-01-09", until: "24h" },
    parsed: { service: "blog", since: "2026-01-09", until: "24h" },
    broken: [["an impossible date", { until: "2024-02-30" }, "until"]],
  },
  {
    name: "StatusChange",
    schema: StatusChangeSchema,
    valid: { status: "acknowledged" },
    parsed: { status: "acknowledged" },
    broken: [
      ["a status only n1radar sets", { status: "regressed" }, "status"],
      ["no status", {}, "status"],
    ],
  },
  {
    name: "IgnoreRequest",
    schema: IgnoreRequestSchema,
    valid: { scope: "endpoint", reason: "  admin export, runs nightly " },
    parsed: { scope: "endpoint", reason: "admin export, runs nightly" },
    broken: [
      ["an unknown scope", { scope: "everything" }, "scope"],
      ["a reason past 500 characters", { scope: "statement", reason: "x".repeat(501) }, "reason"],
    ],
  },
  {
    name: "IgnorePreviewQuery",
    schema: IgnorePreviewQuerySchema,
    valid: { scope: "statement" },
    parsed: { scope: "statement" },
    broken: [["an unknown scope", { scope: "all" }, "scope"]],
  },
  {
    name: "RuleId",
    schema: RuleIdSchema,
    valid: "12",
    parsed: 12,
    broken: [
      ["zero", "0", ""],
      ["a hex id", "0x1", ""],
      ["a negative id", "-3", ""],
    ],
  },
  {
    name: "DeliveriesQuery",
    schema: DeliveriesQuerySchema,
    valid: { status: "dead" },
    parsed: { status: "dead", limit: 100 },
    broken: [
      ["an unknown status", { status: "failed" }, "status"],
      ["a limit of zero", { limit: "0" }, "limit"],
    ],
  },
  {
    name: "DestinationSettings",
    schema: DestinationSettingsSchema,
    valid: {
      name: " ops ",
      type: "webhook",
      url: "https://hooks.example.com/n1radar",
      secret: SECRET,
      services: ["checkout"],
      endpoints: ["GET /orders/*"],
      minRepeats: 10,
      minWastedMsPerHour: 500,
      events: ["new", "regression"],
    },
    parsed: {
      name: "ops",
      type: "webhook",
      url: "https://hooks.example.com/n1radar",
      secret: SECRET,
      services: ["checkout"],
      endpoints: ["GET /orders/*"],
      minRepeats: 10,
      minWastedMsPerHour: 500,
      events: ["new", "regression"],
    },
    broken: [
      ["an unknown platform", { name: "x", type: "irc", url: "https://x" }, "type"],
      ["an unknown field", { name: "x", type: "slack", url: "https://x", colour: 1 }, ""],
      ["a webhook without a secret", { name: "h", type: "webhook", url: "https://x" }, "secret"],
      [
        "a webhook with a plain secret",
        { name: "h", type: "webhook", url: "https://x", secret: "plain" },
        "secret",
      ],
      [
        "a secret for a Slack webhook",
        { name: "s", type: "slack", url: "https://x", secret: SECRET },
        "secret",
      ],
      ["an empty event list", { name: "s", type: "slack", url: "https://x", events: [] }, "events"],
    ],
  },
  {
    name: "EnabledChange",
    schema: EnabledChangeSchema,
    valid: { enabled: false },
    parsed: { enabled: false },
    broken: [["enabled as text", { enabled: "false" }, "enabled"]],
  },
];

describe("request schemas", () => {
  for (const c of cases) {
    it(`${c.name}: takes what the dashboard sends`, () => {
      const parsed = c.schema.safeParse(c.valid);
      expect(parsed.error).toBeUndefined();
      expect(parsed.data).toEqual(c.parsed);
    });
    for (const [what, value, field] of c.broken) {
      it(`${c.name}: refuses ${what}, naming the field`, () => {
        const parsed = c.schema.safeParse(value);
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues[0]?.path.join(".")).toBe(field);
      });
    }
  }
});

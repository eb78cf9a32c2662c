/**
 * The token is only ever compared through crypto.timingSafeEqual, over fixed-length digests: the Bearer check and
 * the sign-in form both go through sameSecret, which is spied on here through node:crypto itself.
 */
import * as crypto from "node:crypto";
import { openStore } from "@n1radar/db";
import { defaultAssemblerSettings, defaultDetectorSettings } from "@n1radar/detector";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../app.js";
import { openAccess } from "./access.js";
import { sameSecret } from "./secrets.js";

vi.mock("node:crypto", async (original) => {
  const actual = await original<typeof import("node:crypto")>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const TOKEN = "constant-time-token-0123";
const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);

beforeEach(() => {
  timingSafeEqual.mockClear();
});

describe("sameSecret", () => {
  it("compares 32-byte digests in constant time, whatever the lengths given", () => {
    expect(sameSecret(TOKEN, TOKEN)).toBe(true);
    expect(sameSecret("x", TOKEN)).toBe(false);
    expect(sameSecret(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(3);
    for (const [a, b] of timingSafeEqual.mock.calls) {
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
  });

  it("is what the Bearer check and the sign-in form use", async () => {
    const store = await openStore(":memory:");
    const app = await createApp({
      db: store,
      detector: defaultDetectorSettings,
      assembler: defaultAssemblerSettings,
      maxBodyBytes: 1024,
      flushIntervalMs: 100,
      access: { ...openAccess, token: TOKEN },
    });
    const bearer = await app.api.request("/api/findings", {
      headers: { authorization: "Bearer wrong-guess-000000" },
    });
    expect(bearer.status).toBe(401);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const form = await app.api.request("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: TOKEN }).toString(),
    });
    expect(form.status).toBe(303);
    expect(timingSafeEqual).toHaveBeenCalledTimes(2);
    await store.close();
  });
});

/** What the in-process access-control tests share: an app with one recorded offender, and requests from a peer. */
import type { Finding } from "@n1radar/core";
import { OffenderPageSchema } from "@n1radar/core/schemas";
import { makeFinding } from "@n1radar/core/testing";
import { dashboardDir } from "@n1radar/dashboard";
import { openStore, type Store } from "@n1radar/db";
import { defaultAssemblerSettings, defaultDetectorSettings } from "@n1radar/detector";
import { afterEach } from "vitest";
import { type AccessSettings, openAccess } from "../access/access.js";
import { type App, createApp } from "../app.js";
import { parseConfig } from "../config.js";
import { apiJson } from "./api.js";
import { recordFindings } from "./store.js";

export const TOKEN = "t0ken-for-tests-0123456789";
export const BEARER = { authorization: `Bearer ${TOKEN}` };
export const HOUR = 3_600_000;
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** The apps' clock; tests move it forward. */
export const clock = { now: Date.UTC(2026, 0, 10, 12) };

export async function build(access: Partial<AccessSettings>): Promise<{ app: App; store: Store }> {
  const store = await openStore(":memory:");
  stores.push(store);
  const config = parseConfig({ ALERT_ALLOW_PRIVATE_URLS: "true" });
  const app = await createApp({
    db: store,
    detector: defaultDetectorSettings,
    assembler: defaultAssemblerSettings,
    maxBodyBytes: 1024,
    flushIntervalMs: 100,
    dashboardDir,
    alerts: config.alerts,
    access: { ...openAccess, ...access },
    now: () => clock.now,
  });
  const finding: Finding = makeFinding({
    traceId: "a".repeat(32),
    endpoint: "GET /posts",
    dbSystem: "postgresql",
    statement: "SELECT * FROM authors WHERE id = ?",
    fingerprint: "SELECT * FROM authors WHERE id = ?",
    repeats: 8,
    seenAtMs: clock.now - HOUR,
  });
  await recordFindings(store, [finding]);
  return { app, store };
}

/** A request from a given peer address (what getConnInfo reads from node-server's env). */
export function send(app: App, path: string, init: RequestInit = {}, peer = "192.0.2.10") {
  return app.api.request(path, init, { incoming: { socket: { remoteAddress: peer } } });
}

/** A JSON POST as the dashboard sends it. */
export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", "sec-fetch-site": "same-origin", ...headers },
  body: JSON.stringify(body),
});

export async function firstOffender(app: App): Promise<string> {
  const res = await send(app, "/api/findings", { headers: BEARER });
  return (await apiJson(res, OffenderPageSchema)).findings[0]?.id as string;
}

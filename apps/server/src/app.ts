import type { Db } from "@n1radar/db";
import type { AssemblerSettings, DetectorSettings } from "@n1radar/detector";
import type { Hono } from "hono";
import { createApiApp } from "./api.js";
import { createOtlpHttpApp } from "./otlp-http.js";
import { Pipeline } from "./pipeline.js";

export interface AppDeps {
  db: Db;
  detector: DetectorSettings;
  assembler: AssemblerSettings;
  maxBodyBytes: number;
  flushIntervalMs: number;
  dashboardDir?: string;
  now?: () => number;
}

export interface App {
  pipeline: Pipeline;
  /** Serves the API and dashboard (PORT). */
  api: Hono;
  /** Serves OTLP/HTTP (OTLP_HTTP_PORT). */
  otlpHttp: Hono;
}

/** Builds the whole service from its dependencies; no sockets, so tests can drive it with `app.request()`. */
export function createApp(deps: AppDeps): App {
  const pipeline = new Pipeline({
    db: deps.db,
    detector: deps.detector,
    assembler: deps.assembler,
    flushIntervalMs: deps.flushIntervalMs,
    now: deps.now,
  });
  return {
    pipeline,
    api: createApiApp({ db: deps.db, dashboardDir: deps.dashboardDir }),
    otlpHttp: createOtlpHttpApp({ pipeline, maxBodyBytes: deps.maxBodyBytes }),
  };
}

/**
 * The JSON API under /api/ and the dashboard's static files, on one port. The dashboard reads only this API.
 */

import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { TargetPolicy } from "@n1radar/alerts";
import { ERROR_STATUS, N1Error } from "@n1radar/core";
import type { Store } from "@n1radar/db";
import { type DetectorSettings, defaultDetectorSettings } from "@n1radar/detector";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type AccessSettings, openAccess } from "./access/access.js";
import type { AlertWorker } from "./alerts/worker.js";
import { alertRoutes } from "./api/alerts.js";
import { explainRoutes } from "./api/explain.js";
import { findingRoutes } from "./api/findings.js";
import { overviewRoutes } from "./api/overview.js";
import type { Acknowledgement } from "./detector-settings.js";
import { LiveHub } from "./exporters/live-updates.js";
import { IgnoreRuleCache } from "./ignore-rules.js";
import { log } from "./log.js";
import { IngestStats } from "./processors/ingest-stats.js";

export interface ApiOptions {
  db: Store;
  /** Directory of the built dashboard; absent in API-only tests. */
  dashboardDir?: string;
  /** Live-update stream; pass the one the pipeline publishes to. A private one still reports API changes. */
  live?: LiveHub;
  /** The pipeline's copy of the ignore rules, invalidated when the API changes a rule. */
  ignoreRules?: IgnoreRuleCache;
  /** The pipeline's detector settings, for explanations; the defaults when absent. */
  detector?: DetectorSettings;
  /** What the receivers have accepted, per service; an empty one when the API runs without them. */
  ingest?: IngestStats;
  /** TRACE_URL_TEMPLATE: link to a trace viewer, `{traceId}` replaced by the id. */
  traceUrlTemplate?: string | null;
  /** OTLP_HTTP_PORT, for the dashboard's "how to send traces" lines. */
  otlpHttpPort?: number;
  /** The alert worker (test messages) and the address policy destinations are checked against. */
  alerts?: AlertWorker;
  alertPolicy?: TargetPolicy;
  /** Access settings, for what /api/config tells the dashboard (sign-in mode); checks happen in app.ts. */
  access?: AccessSettings;
  /** The rules file's acknowledgements (N1_RULES_FILE): shown on the offenders they name. */
  acknowledgements?: readonly Acknowledgement[];
  now?: () => number;
}

export function createApiApp(options: ApiOptions): Hono {
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof N1Error) {
      const status = ERROR_STATUS[error.code].http as ContentfulStatusCode;
      return c.json({ error: { code: error.code, message: error.message } }, status);
    }
    log.error(
      { err: error, reqId: c.get("requestId"), method: c.req.method, path: c.req.path },
      "API request failed",
    );
    return c.json({ error: { code: "internal", message: "internal error" } }, 500);
  });

  app.get("/api/health", (c) => c.json({ status: "ok" }));

  const now = options.now ?? Date.now;
  const context = {
    db: options.db,
    live: options.live ?? new LiveHub(now),
    ignoreRules: options.ignoreRules ?? new IgnoreRuleCache(options.db, now),
    detector: options.detector ?? defaultDetectorSettings,
    ingest: options.ingest ?? new IngestStats(now),
    traceUrlTemplate: options.traceUrlTemplate ?? null,
    otlpHttpPort: options.otlpHttpPort ?? 4318,
    access: options.access ?? openAccess,
    acknowledgements: options.acknowledgements ?? [],
    now,
  };
  findingRoutes(app, context);
  explainRoutes(app, context);
  overviewRoutes(app, context);
  if (options.alerts && options.alertPolicy)
    alertRoutes(app, { ...context, alerts: options.alerts, alertPolicy: options.alertPolicy });

  app.all("/api/*", () => {
    throw new N1Error("not_found", "no such API route");
  });

  const dir = options.dashboardDir;
  if (dir && existsSync(join(dir, "index.html"))) {
    const index = readFileSync(join(dir, "index.html"), "utf8");
    app.use("/*", serveStatic({ root: relative(process.cwd(), dir) }));
    // Client-side routes (/findings/<id>) get the app shell; the router takes it from there.
    app.get("*", (c) => c.html(index));
  } else {
    app.get("/", (c) =>
      c.text("n1radar API is running; the dashboard is not built (run `npm run build`).", 200),
    );
  }

  return app;
}

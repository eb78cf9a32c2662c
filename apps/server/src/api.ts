/**
 * The JSON API under /api/ and the dashboard's static files, on one port. The dashboard reads only this API.
 */

import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import { N1Error } from "@n1radar/core";
import { type Db, getOffender, listOffenders } from "@n1radar/db";
import { Hono } from "hono";
import { z } from "zod";

export interface ApiOptions {
  db: Db;
  /** Directory of the built dashboard; absent in API-only tests. */
  dashboardDir?: string;
}

const STATUS = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  overloaded: 503,
} as const;

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export function createApiApp(options: ApiOptions): Hono {
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof N1Error) {
      return c.json({ error: { code: error.code, message: error.message } }, STATUS[error.code]);
    }
    console.error("api error", error);
    return c.json({ error: { code: "internal", message: "internal error" } }, 500);
  });

  app.get("/api/health", (c) => c.json({ status: "ok" }));

  app.get("/api/findings", (c) => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success)
      throw new N1Error(
        "bad_request",
        parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      );
    return c.json({ findings: listOffenders(options.db, parsed.data) });
  });

  app.get("/api/findings/:id", (c) => {
    const finding = getOffender(options.db, c.req.param("id"));
    if (!finding) throw new N1Error("not_found", `no finding with id ${c.req.param("id")}`);
    return c.json({ finding });
  });

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

/** The overview, the list's filter values, ignore rules, dashboard settings and the live-update stream. */
import { N1Error } from "@n1radar/core";
import { OverviewQuerySchema, RuleIdSchema } from "@n1radar/core/schemas";
import type { Hono } from "hono";
import { accessView } from "../access/access.js";
import type { ApiContext } from "./context.js";
import { noQuery, parseQuery, parseValue, timeRange } from "./params.js";

export function overviewRoutes(app: Hono, ctx: ApiContext): void {
  app.get("/api/overview", async (c) => {
    const query = parseQuery(OverviewQuerySchema, c.req.queries());
    return c.json(await ctx.db.overview({ service: query.service, ...timeRange(query, ctx.now()) }));
  });

  app.get("/api/facets", async (c) => {
    noQuery(c.req);
    return c.json(await ctx.db.facets());
  });

  // Spans accepted per service since start-up: "is anything arriving?" before any N+1 is found.
  app.get("/api/ingest", (c) => {
    noQuery(c.req);
    return c.json(ctx.ingest.report());
  });

  app.get("/api/config", (c) => {
    noQuery(c.req);
    return c.json({
      traceUrlTemplate: ctx.traceUrlTemplate,
      otlpHttpPort: ctx.otlpHttpPort,
      access: accessView(ctx.access, c.get("user") ?? null),
    });
  });

  app.get("/api/ignore-rules", async (c) => {
    noQuery(c.req);
    const covers = await ctx.db.ruleCoverage();
    return c.json({
      rules: (await ctx.db.listIgnoreRules()).map((rule) => ({ ...rule, covers: covers.get(rule.id) ?? 0 })),
    });
  });

  app.delete("/api/ignore-rules/:id", async (c) => {
    const id = parseValue(RuleIdSchema, c.req.param("id"));
    const result = await ctx.db.deleteIgnoreRule(id, ctx.now(), c.get("user") ?? null);
    if (!result) throw new N1Error("not_found", `no ignore rule with id ${id}`);
    await ctx.ignoreRules.reload();
    ctx.live.publish("rules");
    return c.json({ deleted: true, reopened: result.reopened });
  });

  app.get("/api/events", (c) => {
    noQuery(c.req);
    return ctx.live.handle(c);
  });
}

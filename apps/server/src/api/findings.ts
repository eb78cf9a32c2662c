/** Findings: the ranked, filtered list; one finding; and the triage workflow (status, ignore). */
import { N1Error, type Offender } from "@n1radar/core";
import {
  IgnorePreviewQuerySchema,
  IgnoreRequestSchema,
  OffenderListQuerySchema,
  StatusChangeSchema,
} from "@n1radar/core/schemas";
import type { Hono } from "hono";
import { rulesAcknowledgement } from "../detector-settings.js";
import type { ApiContext } from "./context.js";
import { jsonBody, noQuery, parseQuery, parseValue, timeRange } from "./params.js";

function found<T>(value: T | null | undefined | false, id: string): T {
  if (value === null || value === undefined || value === false)
    throw new N1Error("not_found", `no finding with id ${id}`);
  return value;
}

/** The offender with its acknowledgement in the rules file, if one names it. */
function withAcknowledgement<T extends Offender>(offender: T, ctx: ApiContext): T {
  if (ctx.acknowledgements.length === 0) return offender;
  return {
    ...offender,
    acknowledgement: rulesAcknowledgement(offender, ctx.acknowledgements, new Date(ctx.now())),
  };
}

export function findingRoutes(app: Hono, ctx: ApiContext): void {
  app.get("/api/findings", async (c) => {
    const query = parseQuery(OffenderListQuerySchema, c.req.queries());
    const now = ctx.now();
    const page = await ctx.db.findOffenders(
      {
        limit: query.limit,
        offset: query.offset,
        sort: query.sort,
        service: query.service,
        endpoint: query.endpoint,
        orm: query.orm,
        status: query.status,
        q: query.q,
        trendHours: query.trendHours,
        ...timeRange(query, now),
      },
      now,
    );
    return c.json({ ...page, findings: page.findings.map((f) => withAcknowledgement(f, ctx)) });
  });

  app.get("/api/findings/:id", async (c) => {
    noQuery(c.req);
    const id = c.req.param("id");
    return c.json({ finding: withAcknowledgement(found(await ctx.db.getOffender(id), id), ctx) });
  });

  app.post("/api/findings/:id/status", async (c) => {
    const id = c.req.param("id");
    const { status } = parseValue(StatusChangeSchema, await jsonBody(c.req));
    const wasIgnored = (await ctx.db.getOffender(id))?.status === "ignored";
    found(await ctx.db.setOffenderStatus(id, status, ctx.now(), c.get("user") ?? null), id);
    // Reopening an ignored finding deletes the rules that covered it.
    if (wasIgnored) await ctx.ignoreRules.reload();
    ctx.live.publish(wasIgnored ? "rules" : "status");
    return c.json({ finding: found(await ctx.db.getOffender(id), id) });
  });

  // What an ignore would cover, before it is created: a statement rule also takes every other endpoint that
  // runs the statement along, often the worst offender.
  app.get("/api/findings/:id/ignore-preview", async (c) => {
    const id = c.req.param("id");
    const { scope } = parseQuery(IgnorePreviewQuerySchema, c.req.queries());
    return c.json(found(await ctx.db.previewIgnore(id, scope), id));
  });

  app.post("/api/findings/:id/ignore", async (c) => {
    const id = c.req.param("id");
    const body = parseValue(IgnoreRequestSchema, await jsonBody(c.req));
    const result = found(
      await ctx.db.ignoreOffender(id, body.scope, body.reason || null, ctx.now(), c.get("user") ?? null),
      id,
    );
    await ctx.ignoreRules.reload();
    ctx.live.publish("rules");
    return c.json({
      finding: found(await ctx.db.getOffender(id), id),
      rule: result.rule,
      ignored: result.ignored,
    });
  });
}

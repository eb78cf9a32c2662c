/**
 * "Why was this flagged, and what else was in this request": the offender's stored sample request judged again
 * by the detector with the server's live settings (thresholds, overrides, N1_IGNORE and the dashboard's ignore
 * rules), every group of repeated database calls with the rule that decided it and what would change it.
 */
import { type Explanation, N1Error } from "@n1radar/core";
import { explainSample } from "@n1radar/detector";
import type { Hono } from "hono";
import type { ApiContext } from "./context.js";
import { noQuery } from "./params.js";

export function explainRoutes(app: Hono, ctx: ApiContext): void {
  app.get("/api/findings/:id/explain", async (c) => {
    noQuery(c.req);
    const id = c.req.param("id");
    const offender = await ctx.db.getOffender(id);
    if (!offender) throw new N1Error("not_found", `no finding with id ${id}`);
    // The stored rules are matched by their fields only; their reason and date are not part of the match.
    const stored = (await ctx.ignoreRules.list()).map(({ service, endpoint, statement }) => ({
      service,
      endpoint,
      statement,
    }));
    const settings = { ...ctx.detector, ignore: [...(ctx.detector.ignore ?? []), ...stored] };
    const explanation = explainSample(
      offender.sampleSpans,
      { traceId: offender.sampleTraceId, service: offender.service, endpoint: offender.endpoint },
      settings,
    );
    return c.json({
      // The detector's explanation is the API's contract (core's ExplanationAnswerSchema) by type.
      explanation: {
        ...explanation,
        // the sample holds at most this many spans: a longer request's later calls are not in it
        maxSampleSpans: ctx.detector.maxSampleSpans,
      } satisfies Explanation,
    });
  });
}

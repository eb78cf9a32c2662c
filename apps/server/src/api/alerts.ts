/**
 * Alert destinations and deliveries: list, create, edit, enable/disable, delete, send a test message; dead
 * letters and re-sending them. URLs and secrets never leave in an answer: URLs are cut to their origin and secrets
 * are reported as present or not. Destinations from ALERT_DESTINATIONS are read-only here.
 */
import type { DestinationFilter, TargetPolicy } from "@n1radar/alerts";
import {
  type AlertEvent,
  type Delivery,
  type DeliveryStatus,
  type Destination,
  type DestinationType,
  N1Error,
} from "@n1radar/core";
import { DeliveriesQuerySchema, DestinationSettingsSchema, EnabledChangeSchema } from "@n1radar/core/schemas";
import type { DestinationRow } from "@n1radar/db";
import type { Hono } from "hono";
import { destinationProblem } from "../alerts/settings.js";
import type { AlertWorker } from "../alerts/worker.js";
import type { ApiContext } from "./context.js";
import { jsonBody, noQuery, parseQuery, parseValue } from "./params.js";

export interface AlertApiContext extends ApiContext {
  alerts: AlertWorker;
  alertPolicy: TargetPolicy;
}

/** `https://hooks.slack.com/…`: enough to recognise, nothing that would let anyone post. */
export function maskUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return "…";
  }
}

/** A stored destination as the API shows it (core's DestinationSchema): URL masked, secret only as present. */
export function destinationView(row: DestinationRow): Destination {
  const filter = row.filter as DestinationFilter;
  return {
    id: row.id,
    name: row.name,
    type: row.type as DestinationType,
    source: row.source as Destination["source"],
    readOnly: row.source === "env",
    url: maskUrl(row.url),
    hasSecret: row.secret !== null,
    ...filter,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

function found(row: DestinationRow | undefined | null, id: string): DestinationRow {
  if (!row) throw new N1Error("not_found", `no alert destination with id ${id}`);
  return row;
}

/** Checks a body as a destination; on edit, a missing url or secret keeps the stored one. */
function settingsFrom(body: unknown, policy: TargetPolicy, existing: DestinationRow | null) {
  const raw = { ...(body as Record<string, unknown>) };
  if (existing && raw.url === undefined) raw.url = existing.url;
  if (existing && raw.secret === undefined && existing.secret !== null && raw.type === "webhook")
    raw.secret = existing.secret;
  const problem = destinationProblem(raw, policy);
  if (problem) throw new N1Error("bad_request", problem);
  const { name, type, url, secret, ...filter } = DestinationSettingsSchema.parse(raw);
  return { name, type, url, secret: secret ?? null, filter };
}

export function alertRoutes(app: Hono, ctx: AlertApiContext): void {
  app.get("/api/alerts/destinations", async (c) => {
    noQuery(c.req);
    return c.json({ destinations: (await ctx.db.listDestinations()).map(destinationView) });
  });

  app.post("/api/alerts/destinations", async (c) => {
    const settings = settingsFrom(await jsonBody(c.req), ctx.alertPolicy, null);
    return c.json({ destination: destinationView(await ctx.db.createDestination(settings, ctx.now())) }, 201);
  });

  app.put("/api/alerts/destinations/:id", async (c) => {
    const id = c.req.param("id");
    const existing = found(await ctx.db.getDestination(id), id);
    const settings = settingsFrom(await jsonBody(c.req), ctx.alertPolicy, existing);
    return c.json({
      destination: destinationView(found(await ctx.db.updateDestination(id, settings, ctx.now()), id)),
    });
  });

  app.post("/api/alerts/destinations/:id/enabled", async (c) => {
    const id = c.req.param("id");
    const { enabled } = parseValue(EnabledChangeSchema, await jsonBody(c.req));
    if (found(await ctx.db.getDestination(id), id).source === "env")
      throw new N1Error("bad_request", "this destination is set by ALERT_DESTINATIONS; change it there");
    const row = await ctx.db.setDestinationEnabled(
      id,
      enabled,
      enabled ? null : "disabled in the dashboard",
      ctx.now(),
    );
    return c.json({ destination: destinationView(found(row, id)) });
  });

  app.delete("/api/alerts/destinations/:id", async (c) => {
    const id = c.req.param("id");
    found(await ctx.db.getDestination(id), id);
    await ctx.db.deleteDestination(id);
    return c.json({ deleted: true });
  });

  app.post("/api/alerts/destinations/:id/test", async (c) => {
    const id = c.req.param("id");
    return c.json({ result: await ctx.alerts.sendTest(found(await ctx.db.getDestination(id), id)) });
  });

  app.get("/api/alerts/deliveries", async (c) => {
    const query = parseQuery(DeliveriesQuerySchema, c.req.queries());
    const rows = await ctx.db.listDeliveries({
      statuses: query.status ? [query.status] : undefined,
      limit: query.limit,
    });
    return c.json({
      deliveries: rows.map(
        ({ delivery: d, destinationName, destinationType }): Delivery => ({
          id: d.id,
          destinationId: d.destinationId,
          destinationName,
          destinationType: destinationType as DestinationType,
          kind: d.kind as Delivery["kind"],
          event: d.event as AlertEvent | null,
          offenderIds: d.offenderIds,
          status: d.status as DeliveryStatus,
          attempts: d.attempts,
          lastStatus: d.lastStatus,
          lastError: d.lastError,
          nextAttemptAt: new Date(d.nextAttemptAt).toISOString(),
          createdAt: new Date(d.createdAt).toISOString(),
          updatedAt: new Date(d.updatedAt).toISOString(),
        }),
      ),
    });
  });

  app.post("/api/alerts/deliveries/:id/resend", async (c) => {
    const id = c.req.param("id");
    const row = await ctx.db.resendDelivery(id, ctx.now());
    if (!row) throw new N1Error("not_found", `no dead-lettered alert with id ${id}`);
    return c.json({ resent: true });
  });
}

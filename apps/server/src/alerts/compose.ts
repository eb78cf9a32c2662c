/** From outbox rows to formatted deliveries: the planner decides, the platform's notifier formats. */
import { randomUUID } from "node:crypto";
import {
  type AlertMessage,
  type DestinationFilter,
  type DestinationType,
  notifiers,
  type PlanSettings,
  planAlerts,
} from "@n1radar/alerts";
import type { DestinationRow, FanOutInput, FanOutResult } from "@n1radar/db";

/** The idempotency key, Standard Webhooks' `webhook-id`. */
export const messageId = () => `msg_${randomUUID().replace(/-/g, "")}`;

export const filterOf = (row: DestinationRow) => row.filter as DestinationFilter;
export const notifierOf = (row: DestinationRow) => notifiers[row.type as DestinationType];

export function composeDeliveries(input: FanOutInput, settings: PlanSettings): FanOutResult {
  const plan = planAlerts(
    input.events.map((e) => ({ offenderId: e.offenderId, event: e.event as "new" })),
    input.offenders,
    input.destinations.map((d) => ({ id: d.id, filter: filterOf(d) })),
    input.notified.map((n) => ({ ...n, event: n.event as "new" })),
    settings,
  );
  const byId = new Map(input.destinations.map((d) => [d.id, d]));
  const createdAt = new Date(settings.nowMs).toISOString();
  const deliveries = plan.messages.map((planned) => {
    const destination = byId.get(planned.destinationId)!;
    const id = messageId();
    const base = { id, createdAt, dashboardUrl: settings.publicUrl };
    const message: AlertMessage =
      planned.kind === "digest"
        ? { ...base, kind: "digest", items: planned.items }
        : { ...base, kind: "alert", item: planned.items[0]! };
    return {
      id,
      destinationId: planned.destinationId,
      kind: planned.kind,
      event: planned.kind === "alert" ? planned.items[0]!.event : null,
      offenderIds: planned.items.map((i) => i.offender.id),
      body: JSON.stringify(notifierOf(destination).format(message)),
    };
  });
  return { deliveries, notified: plan.notified, forget: plan.forget };
}

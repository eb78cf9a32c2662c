/**
 * Turns a batch of alert events into messages per destination, without noise: an offender alerts a destination
 * once per event until its state changes (a regression), not again within the cooldown, only within the
 * destination's scope and bars, never while ignored; and a destination that would get `digestMin` or more
 * alerts from one batch gets one digest instead. Pure: the server reads the outbox, calls this, writes the result.
 */
import type { Offender } from "@n1radar/core";
import {
  type DestinationFilter,
  hasThresholds,
  inScope,
  meetsThresholds,
  wantsEvent,
} from "./destination.js";
import type { AlertEvent, AlertItem } from "./types.js";

export interface PlanEvent {
  offenderId: string;
  event: AlertEvent;
}

export interface PlanOffender {
  offender: Offender;
  environment: string | null;
  wastedMsPerHour: number;
}

export interface PlanDestination {
  id: string;
  filter: DestinationFilter;
}

/** What a destination was last told about an offender, and when. */
export interface Notified {
  destinationId: string;
  offenderId: string;
  event: AlertEvent;
  at: number;
}

export interface PlanSettings {
  nowMs: number;
  cooldownMs: number;
  digestMin: number;
  /** PUBLIC_URL without a trailing slash, or null. */
  publicUrl: string | null;
}

export interface PlannedMessage {
  destinationId: string;
  kind: "alert" | "digest";
  items: AlertItem[];
}

export interface Plan {
  messages: PlannedMessage[];
  /** Rows to write (insert or replace). */
  notified: Notified[];
  /** Rows to delete: a regression below a destination's bars starts its state over. */
  forget: { destinationId: string; offenderId: string }[];
}

export function findingUrl(publicUrl: string | null, offenderId: string): string | null {
  return publicUrl ? `${publicUrl}/findings/${encodeURIComponent(offenderId)}` : null;
}

const key = (destinationId: string, offenderId: string) => `${destinationId}\u0000${offenderId}`;

export function planAlerts(
  events: readonly PlanEvent[],
  offenders: ReadonlyMap<string, PlanOffender>,
  destinations: readonly PlanDestination[],
  notified: readonly Notified[],
  settings: PlanSettings,
): Plan {
  const state = new Map(notified.map((n) => [key(n.destinationId, n.offenderId), n]));
  const changed = new Map<string, Notified | null>();
  const perDestination = new Map<string, AlertItem[]>();

  const send = (d: PlanDestination, o: PlanOffender, event: AlertEvent) => {
    const row = { destinationId: d.id, offenderId: o.offender.id, event, at: settings.nowMs };
    state.set(key(d.id, o.offender.id), row);
    changed.set(key(d.id, o.offender.id), row);
    const items = perDestination.get(d.id) ?? [];
    // One item per offender per batch: the latest event wins (new then threshold in one batch is one "new").
    const existing = items.findIndex((i) => i.offender.id === o.offender.id);
    const item: AlertItem = { event, ...o, url: findingUrl(settings.publicUrl, o.offender.id) };
    if (existing === -1) items.push(item);
    perDestination.set(d.id, items);
  };

  for (const { offenderId, event } of events) {
    const o = offenders.get(offenderId);
    if (!o || o.offender.status === "ignored" || o.offender.status === "resolved") continue;
    const numbers = { repeats: o.offender.repeats, wastedMsPerHour: o.wastedMsPerHour };
    for (const d of destinations) {
      if (!wantsEvent(d.filter, event) || !inScope(d.filter, { ...o.offender, environment: o.environment }))
        continue;
      const k = key(d.id, offenderId);
      const last = state.get(k);
      const meets = meetsThresholds(d.filter, numbers);
      if (event === "new") {
        if (meets && !last) send(d, o, event);
      } else if (event === "regression") {
        if (!meets) {
          // Below the bars now: forget, so crossing them later alerts as a threshold.
          state.delete(k);
          changed.set(k, null);
        } else if (!last || settings.nowMs - last.at >= settings.cooldownMs) {
          send(d, o, event);
        }
      } else if (hasThresholds(d.filter) && meets && !last) {
        send(d, o, event);
      }
    }
  }

  const messages: PlannedMessage[] = [];
  for (const [destinationId, items] of perDestination) {
    if (items.length >= settings.digestMin) messages.push({ destinationId, kind: "digest", items });
    else for (const item of items) messages.push({ destinationId, kind: "alert", items: [item] });
  }
  const notifiedOut: Notified[] = [];
  const forget: Plan["forget"] = [];
  for (const [k, row] of changed) {
    if (row) notifiedOut.push(row);
    else {
      const [destinationId, offenderId] = k.split("\u0000") as [string, string];
      forget.push({ destinationId, offenderId });
    }
  }
  return { messages, notified: notifiedOut, forget };
}

import { describe, expect, it } from "vitest";
import {
  type Notified,
  type PlanDestination,
  type PlanOffender,
  type PlanSettings,
  planAlerts,
} from "./plan.js";
import { makeOffender } from "./testing/items.js";

const settings: PlanSettings = {
  nowMs: 10_000,
  cooldownMs: 5_000,
  digestMin: 3,
  publicUrl: "https://n1.example",
};
const offender = (id: string, fields: Parameters<typeof makeOffender>[0] = {}): PlanOffender => ({
  offender: makeOffender({ id, ...fields }),
  environment: "production",
  wastedMsPerHour: 500,
});
const offenders = new Map(["a", "b", "c", "d"].map((id) => [id, offender(id)]));
const all: PlanDestination = { id: "all", filter: {} };

describe("planAlerts", () => {
  it("sends one alert per new offender with its link, and records it", () => {
    const plan = planAlerts([{ offenderId: "a", event: "new" }], offenders, [all], [], settings);
    expect(plan.messages).toEqual([
      {
        destinationId: "all",
        kind: "alert",
        items: [expect.objectContaining({ event: "new", url: "https://n1.example/findings/a" })],
      },
    ]);
    expect(plan.notified).toEqual([{ destinationId: "all", offenderId: "a", event: "new", at: 10_000 }]);
  });

  it("folds a batch past digestMin into one digest per destination", () => {
    const events = ["a", "b", "c"].map((offenderId) => ({ offenderId, event: "new" as const }));
    const plan = planAlerts(
      events,
      offenders,
      [all, { id: "two", filter: { services: ["nope"] } }],
      [],
      settings,
    );
    expect(plan.messages).toHaveLength(1);
    expect(plan.messages[0]).toMatchObject({ destinationId: "all", kind: "digest", items: { length: 3 } });
  });

  it("applies scope, events and bars per destination", () => {
    const destinations: PlanDestination[] = [
      { id: "staging", filter: { environments: ["staging"] } },
      { id: "regressions", filter: { events: ["regression"] } },
      { id: "big", filter: { minRepeats: 100 } },
    ];
    expect(
      planAlerts([{ offenderId: "a", event: "new" }], offenders, destinations, [], settings).messages,
    ).toEqual([]);
    // The twins: each destination hears of it once its one condition holds.
    const inStaging = new Map([["a", { ...offender("a"), environment: "staging" }]]);
    const heard = (event: "new" | "regression", from: Map<string, PlanOffender>, filter: object) =>
      planAlerts([{ offenderId: "a", event }], from, [{ id: "d", filter }], [], settings).messages.map(
        (m) => m.items[0]!.event,
      );
    expect(heard("new", inStaging, destinations[0]!.filter)).toEqual(["new"]);
    expect(heard("regression", offenders, destinations[1]!.filter)).toEqual(["regression"]);
    const repeats = offenders.get("a")!.offender.repeats;
    expect(heard("new", offenders, { minRepeats: repeats })).toEqual(["new"]);
  });

  it("alerts a threshold once, only where the offender was below the bar before", () => {
    const big: PlanDestination = { id: "big", filter: { minRepeats: 40 } };
    const told: Notified = { destinationId: "all", offenderId: "a", event: "new", at: 1 };
    const plan = planAlerts(
      [{ offenderId: "a", event: "threshold" }],
      offenders,
      [all, big],
      [told],
      settings,
    );
    expect(plan.messages.map((m) => [m.destinationId, m.items[0]!.event])).toEqual([["big", "threshold"]]);
    const again = planAlerts(
      [{ offenderId: "a", event: "threshold" }],
      offenders,
      [big],
      plan.notified,
      settings,
    );
    expect(again.messages).toEqual([]);
  });

  it("alerts a regression after the cooldown only, and forgets below the bars", () => {
    const recent: Notified = { destinationId: "all", offenderId: "a", event: "new", at: 8_000 };
    const regression = [{ offenderId: "a", event: "regression" as const }];
    expect(planAlerts(regression, offenders, [all], [recent], settings).messages).toEqual([]);
    const old = { ...recent, at: 1_000 };
    expect(planAlerts(regression, offenders, [all], [old], settings).messages[0]?.items[0]?.event).toBe(
      "regression",
    );
    const big: PlanDestination = { id: "all", filter: { minRepeats: 100 } };
    expect(planAlerts(regression, offenders, [big], [old], settings).forget).toEqual([
      { destinationId: "all", offenderId: "a" },
    ]);
  });

  it("never alerts ignored or resolved offenders", () => {
    const quiet = new Map([
      ["a", offender("a", { status: "ignored" })],
      ["b", offender("b", { status: "resolved" })],
    ]);
    const events = [
      { offenderId: "a", event: "new" as const },
      { offenderId: "b", event: "threshold" as const },
      { offenderId: "gone", event: "new" as const },
    ];
    // A destination with a bar too, so that the threshold event would be heard were b open.
    const bar: PlanDestination = { id: "bar", filter: { minRepeats: 40 } };
    expect(planAlerts(events, quiet, [all, bar], [], settings).messages).toEqual([]);
    // The twin: the same events for open offenders alert.
    const open = new Map([
      ["a", offender("a")],
      ["b", offender("b")],
    ]);
    const heard = planAlerts(events, open, [all, bar], [], settings).messages.flatMap((m) =>
      m.items.map((i) => [m.destinationId, i.offender.id, i.event]),
    );
    expect(heard).toEqual([
      ["all", "a", "new"],
      ["bar", "a", "new"],
      ["bar", "b", "threshold"],
    ]);
  });

  it("gives an offender one item per batch and no link without PUBLIC_URL", () => {
    const events = [
      { offenderId: "a", event: "new" as const },
      { offenderId: "a", event: "regression" as const },
    ];
    const plan = planAlerts(events, offenders, [all], [], { ...settings, cooldownMs: 0, publicUrl: null });
    expect(plan.messages).toHaveLength(1);
    expect(plan.messages[0]!.items[0]).toMatchObject({ event: "new", url: null });
  });
});

/**
 * Delivers the alert outbox: turns events into deliveries once their group window has passed, then sends what is
 * due, each destination in order and at its platform's pace, recording every attempt. At-least-once: a delivery
 * stays pending until an answer is recorded, so one cut short by a crash goes again after start-up, with the
 * same id and body.
 */
import {
  type AlertMessage,
  type AttemptResult,
  decide,
  hasThresholds,
  Pacer,
  type RetrySettings,
  type TargetPolicy,
  wantsEvent,
} from "@n1radar/alerts";
import type { AlertThreshold, DestinationRow, DueDelivery, Store } from "@n1radar/db";
import { log } from "../log.js";
import type { Metrics } from "../metrics.js";
import { composeDeliveries, filterOf, messageId, notifierOf } from "./compose.js";
import { postJson } from "./http-client.js";
import { AlertMetrics } from "./metrics.js";

export interface AlertWorkerSettings {
  policy: TargetPolicy;
  publicUrl: string | null;
  timeoutMs: number;
  retry: RetrySettings;
  cooldownMs: number;
  digestMin: number;
  groupWaitMs: number;
}

export interface AlertWorkerOptions {
  db: Store;
  settings: AlertWorkerSettings;
  metrics: Metrics;
  now?: () => number;
  random?: () => number;
}

export interface TestResult {
  ok: boolean;
  status: number | null;
  /** The platform's answer (its first 500 characters), or the error that prevented one. */
  answer: string;
}

/** Deliveries read per tick; the rest wait for the next one. */
const BATCH = 100;
/** The shortest claim on deliveries (ALERT_TIMEOUT_MS raises it). */
const LEASE_MIN_MS = 60_000;

/**
 * The bars of enabled destinations that want threshold alerts, read from the store for each write of findings
 * (recordDeltas): by the alert worker and by a pipeline worker thread, which has its own connection.
 */
export async function alertThresholds(db: Store): Promise<AlertThreshold[]> {
  return (await db.listDestinations())
    .filter((d) => d.enabled && hasThresholds(filterOf(d)) && wantsEvent(filterOf(d), "threshold"))
    .map((d) => ({
      minRepeats: filterOf(d).minRepeats,
      minWastedMsPerHour: filterOf(d).minWastedMsPerHour,
    }));
}

export class AlertWorker {
  private readonly pacers = new Map<string, Pacer>();
  /** Destinations with a send in flight: each destination's messages go one at a time, in order. */
  private readonly busy = new Map<string, Promise<void>>();
  /** The tick reading and planning the outbox, if one is running. */
  private stepping: Promise<void> | undefined;
  private readonly now: () => number;
  readonly metrics: AlertMetrics;

  constructor(private readonly options: AlertWorkerOptions) {
    this.now = options.now ?? Date.now;
    this.metrics = new AlertMetrics(options.metrics, options.db);
  }

  /** The bars of enabled destinations that want threshold alerts, for the pipeline's recordDeltas. */
  async thresholds(): Promise<AlertThreshold[]> {
    return alertThresholds(this.options.db);
  }

  /**
   * Called on a timer: plans new alerts and starts sending what is due. Never throws: ingest goes on. A tick
   * while the previous one still reads the outbox does nothing, so steps never overlap.
   */
  tick(): void {
    if (this.stepping) return;
    this.stepping = this.step()
      .catch((error: unknown) => log.error({ err: error }, "alert delivery step failed"))
      .finally(() => {
        this.stepping = undefined;
      });
  }

  private async step(): Promise<void> {
    const s = this.options.settings;
    const nowMs = this.now();
    await this.options.db.fanOutAlertEvents({ nowMs, groupWaitMs: s.groupWaitMs }, (input) =>
      composeDeliveries(input, {
        nowMs,
        cooldownMs: s.cooldownMs,
        digestMin: s.digestMin,
        publicUrl: s.publicUrl,
      }),
    );
    // Claimed for this process alone (other replicas skip them) until the lease ends; a destination whose
    // send is still in flight here is given back, to be claimed again once that send is recorded.
    const due = await this.options.db.claimDueDeliveries(nowMs, BATCH, this.leaseMs());
    const byDestination = new Map<string, DueDelivery[]>();
    const giveBack: string[] = [];
    for (const d of due) {
      if (this.busy.has(d.destination.id)) giveBack.push(d.delivery.id);
      else byDestination.set(d.destination.id, [...(byDestination.get(d.destination.id) ?? []), d]);
    }
    for (const [id, list] of byDestination) {
      const run = this.sendInOrder(list)
        .catch((error: unknown) => log.error({ err: error }, "alert delivery failed"))
        .finally(() => this.busy.delete(id));
      this.busy.set(id, run);
    }
    await this.options.db.releaseDeliveries(giveBack);
  }

  /** How long a claim lasts: long enough for several sends, each bounded by the timeout. */
  private leaseMs(): number {
    return Math.max(LEASE_MIN_MS, 4 * this.options.settings.timeoutMs);
  }

  /** Resolves when no step or send is in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.stepping || this.busy.size > 0) await Promise.all([this.stepping, ...this.busy.values()]);
  }

  /** Sends a test message now, by the same path as deliveries, and reports the platform's answer. */
  async sendTest(destination: DestinationRow): Promise<TestResult> {
    const nowMs = this.now();
    const message: AlertMessage = {
      kind: "test",
      id: messageId(),
      createdAt: new Date(nowMs).toISOString(),
      dashboardUrl: this.options.settings.publicUrl,
      destinationName: destination.name,
    };
    const body = JSON.stringify(notifierOf(destination).format(message));
    const result = await this.post(destination, message.id, body);
    if ("error" in result) return { ok: false, status: null, answer: result.error };
    return {
      ok: result.status >= 200 && result.status < 300,
      status: result.status,
      answer: result.body.slice(0, 500),
    };
  }

  private pacer(destination: DestinationRow): Pacer {
    let pacer = this.pacers.get(destination.id);
    if (!pacer) {
      pacer = new Pacer(notifierOf(destination).pacing);
      this.pacers.set(destination.id, pacer);
    }
    return pacer;
  }

  private post(destination: DestinationRow, id: string, body: string): Promise<AttemptResult> {
    const headers =
      notifierOf(destination).headers?.({
        id,
        timestampSec: Math.floor(this.now() / 1000),
        body,
        secret: destination.secret,
      }) ?? {};
    const s = this.options.settings;
    return postJson(destination.url, body, headers, { policy: s.policy, timeoutMs: s.timeoutMs });
  }

  /** Sends one destination's claimed deliveries in order; those it does not attempt are given back. */
  private async sendInOrder(list: DueDelivery[]): Promise<void> {
    let next = 0;
    try {
      for (const { delivery, destination } of list) {
        const pacer = this.pacer(destination);
        // Not yet: the next tick picks it up again, in the same order.
        if (pacer.waitMs(this.now()) > 0) return;
        // A send must end within the claim, or another replica could send it too.
        if (this.now() + this.options.settings.timeoutMs >= (delivery.leaseUntil ?? 0)) return;
        pacer.record(this.now());
        next++;
        const result = await this.post(destination, delivery.id, delivery.body);
        if (!(await this.settle(delivery.id, delivery.attempts + 1, destination, result))) return;
      }
    } finally {
      await this.options.db.releaseDeliveries(list.slice(next).map((d) => d.delivery.id));
    }
  }

  /** Records one attempt; false when the destination should get nothing more this round. */
  private async settle(
    id: string,
    attempt: number,
    destination: DestinationRow,
    result: AttemptResult,
  ): Promise<boolean> {
    const db = this.options.db;
    const nowMs = this.now();
    const decision = decide(result, attempt, this.options.settings.retry, nowMs, this.options.random);
    const lastStatus = "status" in result ? result.status : null;
    const type = destination.type;
    const pacer = this.pacer(destination);
    if ("headers" in result && result.headers["x-ratelimit-remaining"] === "0") {
      // Discord says the bucket is empty: wait for its reset before the next message.
      const resetAfter = Number(result.headers["x-ratelimit-reset-after"]);
      if (resetAfter > 0) pacer.hold(nowMs + resetAfter * 1_000);
    }
    switch (decision.action) {
      case "sent":
        await db.recordAttempt(
          id,
          { status: "sent", nextAttemptAt: nowMs, lastError: null, lastStatus },
          nowMs,
        );
        this.metrics.sent(type);
        return true;
      case "retry":
        await db.recordAttempt(
          id,
          {
            status: "pending",
            nextAttemptAt: nowMs + decision.delayMs,
            lastError: decision.reason,
            lastStatus,
          },
          nowMs,
        );
        if (lastStatus === 429) pacer.hold(nowMs + decision.delayMs);
        this.metrics.retried(type);
        // Later messages wait behind this one, so the channel reads in order.
        return false;
      case "disable":
        await db.setDestinationEnabled(
          destination.id,
          false,
          `the platform answered ${decision.reason}`,
          nowMs,
        );
        await db.recordAttempt(
          id,
          { status: "dead", nextAttemptAt: nowMs, lastError: decision.reason, lastStatus },
          nowMs,
        );
        this.metrics.deadLettered(type);
        log.warn({ destination: destination.name, reason: decision.reason }, "alert destination disabled");
        return false;
      default:
        await db.recordAttempt(
          id,
          { status: "dead", nextAttemptAt: nowMs, lastError: decision.reason, lastStatus },
          nowMs,
        );
        this.metrics.deadLettered(type);
        return true;
    }
  }
}

import { DESTINATION_TYPES } from "@n1radar/alerts";
import type { DeliveryStatus, Store } from "@n1radar/db";
import type { Counter, Metrics } from "../metrics.js";

/** Alert counters by destination type, and the outbox's pending and dead-letter counts read at scrape time. */
export class AlertMetrics {
  private readonly sentTotal: Counter;
  private readonly retriedTotal: Counter;
  private readonly deadTotal: Counter;
  private outbox: Record<DeliveryStatus, number> = { pending: 0, sent: 0, dead: 0 };

  constructor(metrics: Metrics, db: Store) {
    this.sentTotal = metrics.counter("n1radar_alerts_sent_total", "Alerts the platform accepted", [
      "destination_type",
    ]);
    this.retriedTotal = metrics.counter(
      "n1radar_alerts_retried_total",
      "Alert attempts that will be retried",
      ["destination_type"],
    );
    this.deadTotal = metrics.counter(
      "n1radar_alerts_dead_lettered_total",
      "Alerts given up on (out of attempts, refused, or the destination deleted)",
      ["destination_type"],
    );
    for (const type of DESTINATION_TYPES) {
      for (const c of [this.sentTotal, this.retriedTotal, this.deadTotal])
        c.labels({ destination_type: type });
    }
    metrics.beforeScrape(async () => {
      this.outbox = await db.deliveryCounts();
    });
    metrics.observe(
      "n1radar_alerts_pending",
      "Alerts waiting to be sent",
      "gauge",
      () => this.outbox.pending,
    );
    metrics.observe(
      "n1radar_alerts_dead_letters",
      "Dead-lettered alerts kept",
      "gauge",
      () => this.outbox.dead,
    );
  }

  sent(type: string): void {
    this.sentTotal.labels({ destination_type: type }).inc();
  }
  retried(type: string): void {
    this.retriedTotal.labels({ destination_type: type }).inc();
  }
  deadLettered(type: string): void {
    this.deadTotal.labels({ destination_type: type }).inc();
  }
}

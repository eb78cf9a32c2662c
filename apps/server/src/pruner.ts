/**
 * Runs retention in the background: every `intervalMs`, deletes what the policy no longer keeps in batches of
 * `batch` rows, yielding to the event loop between batches so receivers and the API are served throughout, and
 * counts what it deleted (/metrics).
 */
import { PRUNE_KINDS, type RetentionPolicy, type Store } from "@n1radar/db";
import { log } from "./log.js";
import type { CounterChild, Metrics } from "./metrics.js";

export interface PrunerOptions {
  db: Store;
  policy: RetentionPolicy;
  metrics: Metrics;
  intervalMs?: number;
  batch?: number;
  now?: () => number;
}

const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

export class Pruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastRunAt = 0;
  private readonly now: () => number;
  private readonly pruned: Record<(typeof PRUNE_KINDS)[number], CounterChild>;

  constructor(private readonly options: PrunerOptions) {
    this.now = options.now ?? Date.now;
    const pruned = options.metrics.counter(
      "n1radar_pruned_rows_total",
      "Rows deleted by retention (RETAIN_*): hour buckets, closed offenders, sent alert messages",
      ["kind"],
    );
    this.pruned = Object.fromEntries(
      PRUNE_KINDS.map((kind) => [kind, pruned.labels({ kind })]),
    ) as typeof this.pruned;
    options.metrics.observe(
      "n1radar_prune_last_run_timestamp_seconds",
      "When retention last finished a run (0: not yet)",
      "gauge",
      () => this.lastRunAt / 1000,
    );
  }

  /** Runs once now (a restart with a backlog prunes at once), then every interval. */
  start(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), this.options.intervalMs ?? 60_000);
  }

  /** Stops the timer and lets a run in progress finish its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One run: batches until nothing is left to delete (or stop() was called). Never overlaps itself. */
  run(): Promise<void> {
    this.running ??= (async () => {
      try {
        for (;;) {
          const result = await this.options.db.pruneBatch(
            this.options.policy,
            this.now(),
            this.options.batch ?? 500,
          );
          for (const kind of PRUNE_KINDS) this.pruned[kind].inc(result[kind]);
          if (result.done || this.stopped) break;
          await yieldToEventLoop();
        }
        this.lastRunAt = this.now();
      } catch (error) {
        log.error({ err: error }, "retention run failed");
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}

/**
 * The ignore rules people create from the dashboard, held in memory for the pipeline: it asks about every
 * finding, so it must not query the database each time, and it asks synchronously. The API reloads the copy
 * whenever it changes a rule (same process), and the copy is read again in the background once it is older than
 * MAX_AGE_MS, for rules another replica (or process) changed.
 */
import type { Finding, IgnoreRule } from "@n1radar/core";
import type { Store } from "@n1radar/db";
import { isIgnored } from "@n1radar/detector";
import { log } from "./log.js";

const MAX_AGE_MS = 30_000;

export class IgnoreRuleCache {
  private rules: IgnoreRule[] = [];
  private loadedAt = Number.NEGATIVE_INFINITY;
  /** Reads started and the newest one applied: an older read that finishes late never overwrites a newer one. */
  private started = 0;
  private applied = 0;
  private refreshing = false;

  constructor(
    private readonly db: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** Told each time a read replaces the copy: pipeline worker threads get the rules this way. */
  onReload?: (rules: IgnoreRule[]) => void;

  /** True when a stored rule covers the finding's (service, endpoint, statement); never waits on the store. */
  covers(finding: Pick<Finding, "service" | "endpoint" | "statement">): boolean {
    this.refreshIfStale();
    return isIgnored(finding, this.rules);
  }

  /** The rules as last read. */
  get current(): IgnoreRule[] {
    return this.rules;
  }

  /** Reads the rules again in the background when the copy is old; never waits on the store. */
  refreshIfStale(): void {
    if (!this.stale() || this.refreshing) return;
    this.refreshing = true;
    this.reload()
      .catch((error: unknown) => log.error({ err: error }, "reading the ignore rules failed"))
      .finally(() => {
        this.refreshing = false;
      });
  }

  /** The stored rules, as the detector matches them, read again first when the copy is old. */
  async list(): Promise<IgnoreRule[]> {
    if (this.stale()) await this.reload();
    return this.rules;
  }

  /** Reads the rules now: after a change through the API, and before the pipeline starts. */
  async reload(): Promise<void> {
    const read = ++this.started;
    const startedAt = this.now();
    const rules = await this.db.listIgnoreRules();
    if (read > this.applied) {
      this.applied = read;
      this.rules = rules;
      this.loadedAt = startedAt;
      this.onReload?.(rules);
    }
  }

  private stale(): boolean {
    return this.now() - this.loadedAt > MAX_AGE_MS;
  }
}

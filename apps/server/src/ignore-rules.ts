/**
 * The ignore rules people create from the dashboard, held in memory for the pipeline: it asks about every
 * finding, so it must not query SQLite each time. The API invalidates the copy whenever it changes a rule
 * (same process), and the copy also expires after a while in case another process edited the file.
 */
import type { Finding, IgnoreRule } from "@n1radar/core";
import { type Db, listIgnoreRules } from "@n1radar/db";
import { isIgnored } from "@n1radar/detector";

const MAX_AGE_MS = 30_000;

export class IgnoreRuleCache {
  private rules: IgnoreRule[] | null = null;
  private loadedAt = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when a stored rule covers the finding's (service, endpoint, statement). */
  covers(finding: Pick<Finding, "service" | "endpoint" | "statement">): boolean {
    return isIgnored(finding, this.current());
  }

  /** The stored rules, as the detector matches them. */
  list(): IgnoreRule[] {
    return this.current();
  }

  invalidate(): void {
    this.rules = null;
  }

  private current(): IgnoreRule[] {
    const now = this.now();
    if (this.rules === null || now - this.loadedAt > MAX_AGE_MS) {
      this.rules = listIgnoreRules(this.db);
      this.loadedAt = now;
    }
    return this.rules;
  }
}

/**
 * Failed sign-ins per client address: after `maxFailures` within `windowMs`, that address is refused (429) until
 * the window that began with its first failure ends. A success clears its count. Bounded: addresses beyond
 * `maxAddresses` push out the oldest, so a flood of addresses costs memory only up to the bound.
 */
export interface LoginLimiterSettings {
  maxFailures: number;
  windowMs: number;
  maxAddresses?: number;
}

export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; sinceMs: number }>();

  constructor(private readonly settings: LoginLimiterSettings) {}

  /** Milliseconds this address must wait before trying again; 0 when it may try now. */
  retryAfterMs(address: string, nowMs: number): number {
    const entry = this.failures.get(address);
    if (!entry) return 0;
    const endsAt = entry.sinceMs + this.settings.windowMs;
    if (endsAt <= nowMs) {
      this.failures.delete(address);
      return 0;
    }
    return entry.count >= this.settings.maxFailures ? endsAt - nowMs : 0;
  }

  /** Counts a failure; true when it is the one that locks the address out. */
  fail(address: string, nowMs: number): boolean {
    const entry = this.failures.get(address);
    if (entry && entry.sinceMs + this.settings.windowMs > nowMs) {
      entry.count += 1;
      return entry.count === this.settings.maxFailures;
    }
    this.failures.delete(address);
    if (this.failures.size >= (this.settings.maxAddresses ?? 100_000)) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(address, { count: 1, sinceMs: nowMs });
    return this.settings.maxFailures === 1;
  }

  succeed(address: string): void {
    this.failures.delete(address);
  }
}

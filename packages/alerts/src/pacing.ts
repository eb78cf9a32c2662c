import type { Pacing } from "./types.js";

/**
 * Keeps one destination within its platform's rate: at most `limit` sends in any `windowMs`, plus holds the
 * platform asked for (a 429's wait, Discord's "0 remaining" headers). Pure: times are passed in.
 */
export class Pacer {
  private sent: number[] = [];
  private heldUntil = 0;

  constructor(private readonly pacing: Pacing) {}

  /** Milliseconds until the next send is allowed; 0 means now. */
  waitMs(nowMs: number): number {
    this.sent = this.sent.filter((t) => t > nowMs - this.pacing.windowMs);
    const byWindow = this.sent.length < this.pacing.limit ? 0 : this.sent[0]! + this.pacing.windowMs - nowMs;
    return Math.max(0, byWindow, this.heldUntil - nowMs);
  }

  /** Records a send at `nowMs`. */
  record(nowMs: number): void {
    this.sent.push(nowMs);
  }

  /** No send before `untilMs`. */
  hold(untilMs: number): void {
    this.heldUntil = Math.max(this.heldUntil, untilMs);
  }
}

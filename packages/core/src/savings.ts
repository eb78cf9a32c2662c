/**
 * What fixing an offender would save per day at the traffic seen, so the ranking speaks in a team's terms:
 * database calls, database time and request time. The rate is the offender's requests over the time it has
 * been seen, at least an hour (a loop seen for a minute is not extrapolated from that minute alone).
 * - Calls: the fix (an eager load, a batch) replaces a request's loop with one query: repeats - 1 saved.
 * - Database time: the time the repeats cost beyond one query (the offender's `wastedMs`), per request.
 * - Request time: the same for a sequential loop, whose calls run one after another; a concurrent fan-out
 *   (Promise.all) mostly overlaps them, so it saves about one call's time per request, not all of them.
 */
import type { Savings } from "./schemas/offender.js";

export const DAY_MS = 86_400_000;
/** The shortest window a rate is taken over. */
export const SAVINGS_MIN_WINDOW_MS = 3_600_000;

/** Requests, database calls and times a day: the shape is part of the API's contract (schemas/offender.ts). */
export type { Savings } from "./schemas/offender.js";

export interface SavingsInput {
  occurrences: number;
  repeatsMedian: number;
  /** Time the repeats cost beyond one query, summed over occurrences. */
  wastedMs: number;
  firstSeenMs: number;
  lastSeenMs: number;
  parallel: boolean;
}

export function projectedSavings(o: SavingsInput): Savings {
  const windowMs = Math.max(o.lastSeenMs - o.firstSeenMs, SAVINGS_MIN_WINDOW_MS);
  const requestsPerDay = (o.occurrences * DAY_MS) / windowMs;
  const wastedPerRequest = o.occurrences > 0 ? o.wastedMs / o.occurrences : 0;
  const dbTimeMsPerDay = wastedPerRequest * requestsPerDay;
  const requestTimeMsPerDay = o.parallel ? dbTimeMsPerDay / Math.max(1, o.repeatsMedian) : dbTimeMsPerDay;
  return {
    requestsPerDay: Math.round(requestsPerDay),
    dbCallsPerDay: Math.round(requestsPerDay * Math.max(0, o.repeatsMedian - 1)),
    dbTimeMsPerDay: Math.round(dbTimeMsPerDay),
    requestTimeMsPerDay: Math.round(requestTimeMsPerDay),
  };
}

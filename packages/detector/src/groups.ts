import type { Call } from "./calls.js";
import type { Thresholds } from "./settings.js";
import { rowKeyNeeded, suppliesRowKey } from "./sql-shape.js";

/**
 * Calls of one statement under one grouping parent: the candidate loops every detector starts from.
 *
 * Only calls that succeeded count. A failed call followed by the same statement is a retry (connection reset,
 * deadlock, serialization failure), and five attempts of one query are not an N+1; a loop whose queries fail
 * is a bug the error rate already shows.
 */
export interface Group {
  parentId: string;
  calls: Call[];
  failed: number;
  /** Repeats that mostly overlapped in time: concurrent fan-out (Promise.all, asyncio.gather). */
  parallel: boolean;
  totalMs: number;
  /** What the repeats cost beyond one call: total minus one average call. */
  wastedMs: number;
}

/**
 * Concurrent fan-out: the repeats provably overlapped (their summed durations exceed the wall clock they
 * span, plus the clock's resolution), and the overlapped share of their time, 1 - wall clock / summed
 * durations, reaches `ratio`. A sequential loop's calls never overlap, so it never passes; N queries started
 * together share (N-1)/N, and even a driver that runs them one at a time behind Promise.all (SQLite) about
 * 1 - 2/(N+1). Resolution matters because some SDKs (OpenTelemetry JS among them) stamp starts from a
 * millisecond clock: sequential calls can then look up to 1 ms overlapped, but never more.
 */
const FINE_CLOCK_MS = 0.01;
const COARSE_CLOCK_MS = 1;

function isParallel(calls: readonly Call[], ratio: number): boolean {
  if (calls.length < 2) return false;
  let sum = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let coarse = true;
  for (const c of calls) {
    sum += c.durationMs;
    first = Math.min(first, c.startMs);
    last = Math.max(last, c.endMs);
    if (!Number.isInteger(c.startMs)) coarse = false;
  }
  const wall = last - first;
  if (sum <= wall + (coarse ? COARSE_CLOCK_MS : FINE_CLOCK_MS)) return false;
  return (sum - wall) / sum >= ratio;
}

/** Groups calls (sorted by start) by parent and statement; groups keep that order, by their first call. */
export function groupCalls(calls: readonly Call[], settings: Thresholds): Group[] {
  // parent -> canonical statement -> group; nested maps, since a joined key string per call costs more.
  const byParent = new Map<string, Map<string, Group>>();
  const all: Group[] = [];
  for (const call of calls) {
    let byStatement = byParent.get(call.parentId);
    if (!byStatement) {
      byStatement = new Map();
      byParent.set(call.parentId, byStatement);
    }
    let group = byStatement.get(call.key.canonical);
    if (!group) {
      group = { parentId: call.parentId, calls: [], failed: 0, parallel: false, totalMs: 0, wastedMs: 0 };
      byStatement.set(call.key.canonical, group);
      all.push(group);
    }
    if (call.failed) group.failed++;
    else group.calls.push(call);
  }
  const groups: Group[] = [];
  for (const group of all) {
    if (group.calls.length === 0) continue;
    group.totalMs = group.calls.reduce((sum, c) => sum + c.durationMs, 0);
    group.wastedMs = group.totalMs - group.totalMs / group.calls.length;
    group.parallel = isParallel(group.calls, settings.parallelRatio);
    groups.push(group);
  }
  return groups;
}

export const firstCall = (group: Group): Call => group.calls[0] as Call;
export const lastCall = (group: Group): Call => group.calls[group.calls.length - 1] as Call;

/**
 * The query whose rows the loop iterates over: the latest read, other than the loop's own statement, that
 * started no later than the loop's first call (start times, not end times: SDKs with millisecond clocks give a
 * fast source query and the first repeat the same start). Preferred in order: under the same parent, then
 * anywhere in the request; a one-off query over a call of another loop, so that a second loop over the same
 * rows names the rows' query rather than the first loop; never a call of a loop still running (interleaved); and,
 * among reads that rank alike, one that can supply the loop's key (sql-shape.ts `suppliesRowKey`) over one that
 * cannot.
 */
export function findSource(group: Group, groups: readonly Group[], minRepeats: number): Call | null {
  const first = firstCall(group);
  const key = rowKeyNeeded(first.key.canonical);
  const supplies = (call: Call) => key !== null && suppliesRowKey(call.key.canonical, key);
  let best: Call | null = null;
  let bestRank = -1;
  // The best read that supplies the loop's key, where the statement names one (rowKeyNeeded).
  let supplier: Call | null = null;
  let supplierRank = -1;
  for (const other of groups) {
    if (other === group || other.calls[0]?.key.canonical === first.key.canonical) continue;
    const isLoop = other.calls.length >= minRepeats;
    if (other.calls.length > 1 && lastCall(other).startMs > first.startMs) {
      // Still running when this loop began: a sibling in the same loop, or this loop's outer loop (nested.ts).
      continue;
    }
    const rank = (other.parentId === group.parentId ? 2 : 0) + (isLoop ? 0 : 1);
    for (const call of other.calls) {
      if (call.startMs > first.startMs || call.key.op !== "read") continue;
      if (rank > bestRank || (rank === bestRank && best !== null && call.startMs > best.startMs)) {
        best = call;
        bestRank = rank;
      }
      const better =
        rank > supplierRank ||
        (rank === supplierRank && supplier !== null && call.startMs > supplier.startMs);
      if (better && supplies(call)) {
        supplier = call;
        supplierRank = rank;
      }
    }
  }
  // A later read that cannot have supplied the key (a model-level selectin of another relationship, run between
  // the list and the loop) gives way to the read that can, when they rank alike.
  if (best && supplier && supplierRank === bestRank && !supplies(best)) return supplier;
  return best;
}

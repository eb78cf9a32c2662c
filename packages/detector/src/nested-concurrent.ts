import type { SpanRecord } from "@n1radar/core";
import type { Call } from "./calls.js";
import { firstCall, type Group } from "./groups.js";

/**
 * Nested loops whose levels run concurrently (nested.ts reads sequential ones from the gaps between outer
 * calls). Under GraphQL resolvers or `Promise.all` per row, the inner calls of one parent interleave with the
 * outer calls of the next, so two other readings are used.
 *
 * The span tree, when per-item spans sit between the levels: an outer call's parent span that holds no other
 * outer call is that row's item (GraphQL's `posts.0.comments` resolver span, `render_post`), and an inner call
 * below it belongs to that row:
 *
 *   graphql.resolve posts                          grouping parent (calls.ts looked through the items)
 *   ├─ SELECT ... FROM posts                       source
 *   ├─ graphql.resolve posts.0.comments            item of post 0
 *   │  ├─ SELECT ... FROM comments WHERE post_id = ?         outer call
 *   │  ├─ graphql.resolve posts.0.comments.0.author
 *   │  │  └─ SELECT ... FROM users WHERE id = ?              inner call, row of post 0
 *   │  └─ graphql.resolve posts.0.comments.1.author ...      (two or more under one item: nested)
 *   └─ graphql.resolve posts.1.comments ...        started before post 0's authors: interleaved
 *
 * Time, when no such spans exist: each inner call needs rows an outer call returned, so every one starts after
 * the first outer call ended; the inner loop begins while the outer one still runs (else they are two loops
 * one after the other); and it makes more calls than the outer loop (several rows per parent at least once:
 * two relations read per row, `Promise.all([post.author, post.category])`, make as many calls as rows).
 */

export type ParentOf = (span: SpanRecord) => SpanRecord | undefined;

/** Calls whose starts are whole milliseconds come from a millisecond clock (OpenTelemetry JS). */
const clockOf = (calls: readonly Call[]) => (calls.every((c) => Number.isInteger(c.startMs)) ? 1 : 0.01);

/**
 * Inner calls per outer row by the span tree; 0 when the tree shows the two loops side by side (at most one
 * inner call per row); null when the tree says nothing (no per-item spans, or only some inner calls under them).
 */
export function treeNesting(inner: Group, outer: Group, parentOf: ParentOf): number | null {
  const top = outer.parentId;
  const outerPerItem = new Map<string, number>();
  for (const call of outer.calls) {
    const item = parentOf(call.span);
    if (!item || item.spanId === top) return null;
    outerPerItem.set(item.spanId, (outerPerItem.get(item.spanId) ?? 0) + 1);
  }
  const innerPerItem = new Map<string, number>();
  let placed = 0;
  for (const call of inner.calls) {
    for (let p = parentOf(call.span), d = 0; p && p.spanId !== top && d < 64; p = parentOf(p), d++) {
      if (outerPerItem.get(p.spanId) !== 1) continue;
      innerPerItem.set(p.spanId, (innerPerItem.get(p.spanId) ?? 0) + 1);
      placed++;
      break;
    }
  }
  if (placed === 0 || placed < inner.calls.length) return null;
  let crowded = false;
  for (const n of innerPerItem.values()) crowded ||= n >= 2;
  return crowded && innerPerItem.size >= 2 ? inner.calls.length / innerPerItem.size : 0;
}

/** Inner calls per outer call by causality in time (see above), else 0. */
export function concurrentNesting(inner: Group, outer: Group): number {
  if (inner.calls.length <= outer.calls.length) return 0;
  const clock = clockOf([...inner.calls, ...outer.calls]);
  let firstEnd = Number.POSITIVE_INFINITY;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const call of outer.calls) {
    firstEnd = Math.min(firstEnd, call.endMs);
    lastEnd = Math.max(lastEnd, call.endMs);
  }
  if (firstCall(inner).startMs >= lastEnd) return 0;
  for (const call of inner.calls) if (call.startMs + clock < firstEnd) return 0;
  return inner.calls.length / outer.calls.length;
}

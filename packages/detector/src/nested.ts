import type { Call } from "./calls.js";
import { firstCall, type Group } from "./groups.js";
import { concurrentNesting, type ParentOf, treeNesting } from "./nested-concurrent.js";
import type { Thresholds } from "./settings.js";

/**
 * Nested loops (1+N+N²): an inner loop whose calls fall between the calls of an outer loop under the same
 * parent, several of them after at least one outer call.
 *
 *   GET /posts
 *   ├─ SELECT ... FROM posts                          source
 *   ├─ SELECT ... FROM comments WHERE post_id = ?     ┐ outer: once per post (>= minOuterRepeats)
 *   ├─ SELECT ... FROM users WHERE id = ?             │ ┐ inner: once per comment (>= minRepeats),
 *   ├─ SELECT ... FROM users WHERE id = ?             │ │ in the gaps after two or more outer calls,
 *   ├─ SELECT ... FROM comments WHERE post_id = ?     │ │ two or more in at least one gap
 *   └─ SELECT ... FROM users WHERE id = ?             ┘ ┘
 *
 * Not nested, and so reported as two loops over the same rows:
 * - two loops one after the other (every inner call after the last outer call: a single gap);
 * - two relations read in one loop body (`post.author; post.category`): at most one call per gap.
 * Per-item spans holding both levels (render_post > render_comment) were flattened by calls.ts, so the
 * same rule applies to them.
 *
 * Concurrent loops (GraphQL resolvers, Promise.all per row) interleave across parents, so the gaps above say
 * nothing. Two other readings then (nested-concurrent.ts): the span tree, when per-item spans sit between the
 * levels (a GraphQL `posts.0.comments` resolver span holding one comments query and the author resolvers of
 * its comments), and otherwise causality in time (each author lookup starts after a comments query ended).
 */

/** Number of `starts` (sorted) at or before `t`. */
function countAtOrBefore(starts: readonly number[], t: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((starts[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inner calls per outer gap they occupy when `inner` nests in `outer`, else 0. */
function nesting(inner: Group, outer: Group): number {
  const starts = outer.calls.map((c: Call) => c.startMs);
  const perGap = new Map<number, number>();
  let crowded = false;
  for (const call of inner.calls) {
    const gap = countAtOrBefore(starts, call.startMs) - 1;
    if (gap < 0) return 0; // the inner loop began before the outer one
    const n = (perGap.get(gap) ?? 0) + 1;
    perGap.set(gap, n);
    if (n >= 2) crowded = true;
  }
  return crowded && perGap.size >= 2 ? inner.calls.length / perGap.size : 0;
}

const canNest = (g: Group) => firstCall(g).key.op === "read";

/** Inner calls per outer call when `inner` nests in `outer`, else 0: the span tree first, then time. */
function density(inner: Group, outer: Group, parentOf: ParentOf | undefined): number {
  const byTree = parentOf ? treeNesting(inner, outer, parentOf) : null;
  if (byTree !== null) return byTree;
  return inner.parallel || outer.parallel ? concurrentNesting(inner, outer) : nesting(inner, outer);
}

/**
 * Inner group -> its innermost enclosing outer group, among the read groups of one request.
 *
 * A page loop (`pages`: shaped like a page, sql-shape.ts, and not a load per parent, n-plus-one.ts) can be an
 * outer level but never the inner one: the inner loop is what gets reported, and pages are not. An ordered per-parent load with OFFSET reads as a page (Prisma's
 * `comment.findMany({ where: { postId }, orderBy })` per post, every Prisma read ending in `LIMIT ? OFFSET ?`),
 * yet the author lookups between its calls are the inner loop of posts > comments > authors. A real page loop
 * with a lookup per row inside is the same shape, and its chain (page > lookup) names the right fix too: load
 * the relation with the page.
 */
export function nestLoops(
  groups: readonly Group[],
  settings: Thresholds,
  pages: ReadonlySet<Group> = new Set(),
  parentOf?: ParentOf,
): Map<Group, Group> {
  const outerOf = new Map<Group, Group>();
  const outers = groups.filter((g) => g.calls.length >= settings.minOuterRepeats && canNest(g));
  if (outers.length < 2) return outerOf;
  const edges: { inner: Group; outer: Group; density: number }[] = [];
  for (const inner of outers) {
    if (inner.calls.length < settings.minRepeats || pages.has(inner)) continue;
    const innerStart = firstCall(inner).startMs;
    let best: { outer: Group; density: number } | undefined;
    for (const outer of outers) {
      if (outer === inner || outer.parentId !== inner.parentId) continue;
      // Equal starts are allowed: millisecond clocks (OpenTelemetry JS) give a comments query and the author
      // lookups right after it the same start; the gap test tells which loop is inside.
      if (firstCall(outer).startMs > innerStart) continue;
      // The innermost enclosing loop is the one with the most calls.
      if (best && outer.calls.length <= best.outer.calls.length) continue;
      const d = density(inner, outer, parentOf);
      if (d > 0) best = { outer, density: d };
    }
    if (best) edges.push({ inner, ...best });
  }
  // With equal starts two loops can each seem to hold the other; the denser reading wins (25 author lookups
  // over 6 comment gaps, not 7 comment queries over 6 author gaps), and no loop ends up inside itself.
  edges.sort((a, b) => b.density - a.density);
  for (const { inner, outer } of edges) {
    let cycle = false;
    for (let o: Group | undefined = outer; o && !cycle; o = outerOf.get(o)) cycle = o === inner;
    if (!cycle) outerOf.set(inner, outer);
  }
  return outerOf;
}

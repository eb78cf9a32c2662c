import { namesTable } from "@n1radar/sql";
import { findSource, firstCall, type Group } from "./groups.js";
import { nestLoops } from "./nested.js";
import { buildFinding, type Detector, groupFinding, type Reported, type RequestContext } from "./report.js";
import { isKeyLookup, parentsNamed, tableRead } from "./sql-shape.js";

/**
 * N+1 reads: one read statement repeated under one parent (after calls.ts looked through wrappers).
 *
 *   GET /posts                                  <- request span (names the endpoint)
 *   ├─ SELECT ... FROM posts                    <- source query, when there is one
 *   ├─ SELECT ... FROM authors WHERE id = ?     ┐
 *   ├─ User Load                                │ >= minRepeats successful calls
 *   │  └─ SELECT ... FROM authors WHERE id = ?  │ (sequential, or concurrent: `parallel`)
 *   └─ SELECT ... FROM authors WHERE id = ?     ┘
 *
 * Reported whether or not a distinct source query came before (a loop over ids from the request or a cache
 * is still N+1). Nested loops (nested.ts) are one finding, as one fix (a chained eager load) removes every
 * level: `statement` is the deepest level, `chain` names every level from the source down, `sourceStatement`
 * is the level just above; `repeats` and `totalMs` are the deepest level's, `wastedMs` every level's. Not
 * reported: pages of one result (LIMIT/OFFSET, keyset; sql-shape.ts), cursor fetches, cached spans, retries
 * (groups.ts).
 */

/** The deepest level below `top`, following at each level the inner loop with the most calls. */
function deepestPath(top: Group, innersOf: ReadonlyMap<Group, Group[]>): Group[] {
  const path = [top];
  for (
    let cur = innersOf.get(top);
    cur && cur.length > 0;
    cur = innersOf.get(path[path.length - 1] as Group)
  ) {
    path.push(cur.reduce((a, b) => (b.calls.length > a.calls.length ? b : a)));
  }
  return path;
}

function subtree(top: Group, innersOf: ReadonlyMap<Group, Group[]>): Group[] {
  const out = [top];
  for (let i = 0; i < out.length; i++) out.push(...(innersOf.get(out[i] as Group) ?? []));
  return out;
}

const display = (g: Group) => g.calls[0]?.key.display ?? "";

/**
 * A loop shaped like pages (sql-shape.ts) that is really a load per parent row: its foreign key names the
 * table the query before it listed (`SELECT ... FROM posts`, then `... FROM comments WHERE post_id = ?
 * ORDER BY id LIMIT ? OFFSET ?` per post). Prisma ends every read in `LIMIT ? OFFSET ?`, so an ordered
 * `findMany({ where: { postId }, orderBy })` per post has the page shape. Paging through one parent's rows
 * follows a lookup of that one parent (`WHERE id = ?`), not a list of them, and stays a page.
 */
function loadsPerParent(group: Group, groups: readonly Group[], minRepeats: number): boolean {
  const parents = parentsNamed(firstCall(group).key.canonical);
  if (parents.length === 0) return false;
  const source = findSource(group, groups, minRepeats);
  if (!source || isKeyLookup(source.key.canonical)) return false;
  const table = tableRead(source.key.canonical);
  return table !== null && parents.some((parent) => namesTable(parent, table));
}

export const nPlusOneDetector: Detector = {
  name: "n_plus_one",
  detect(ctx: RequestContext): Reported[] {
    const { settings, groups } = ctx;
    const allReads = groups.filter((g) => g.calls[0]?.key.op === "read");
    // Pages are never reported, but can be the outer level of a nested loop (nested.ts).
    const pages = new Set(
      allReads.filter((g) => g.calls[0]?.key.paginated && !loadsPerParent(g, groups, settings.minRepeats)),
    );
    const reads = allReads.filter((g) => !pages.has(g));
    const { view, request } = ctx;
    const outerOf = nestLoops(allReads, settings, pages, (span) => {
      const parent = view.parent(span);
      return view.inRequest(parent, request) ? parent : undefined;
    });
    const innersOf = new Map<Group, Group[]>();
    for (const [inner, outer] of outerOf) innersOf.set(outer, [...(innersOf.get(outer) ?? []), inner]);

    const findings: Reported[] = [];
    const covered = new Set<Group>();
    for (const top of innersOf.keys()) {
      if (outerOf.has(top)) continue; // reported with its own outermost loop
      const members = subtree(top, innersOf);
      const path = deepestPath(top, innersOf);
      const leaf = path[path.length - 1] as Group;
      const source = findSource(top, groups, settings.minRepeats);
      for (const m of members) covered.add(m);
      findings.push(
        buildFinding(ctx, {
          kind: "n_plus_one",
          leaf,
          members,
          sourceStatement: display(path[path.length - 2] as Group),
          chain: [...(source ? [source.key.display] : []), ...path.map(display)],
          wastedMs: members.reduce((sum, g) => sum + g.wastedMs, 0),
        }),
      );
    }
    for (const group of reads) {
      if (covered.has(group) || group.calls.length < settings.minRepeats) continue;
      findings.push(groupFinding(ctx, "n_plus_one", group));
    }
    return findings;
  },
};

import { cased } from "@n1radar/sql";
import type { Cased, FixContext, Link } from "../types.js";

/** Small shared pieces of fix text, so each ORM file holds only what is its own. */

/** The name a per-row aggregate gets in the fixed query: comment_count, has_comments, price_sum. */
export function aggregateName(ctx: FixContext): Cased {
  const fn = ctx.aggregate?.fn ?? "count";
  const column = ctx.aggregate?.column;
  if (fn === "count") return cased(`${ctx.n.child.snake}_count`);
  if (fn === "exists") return cased(`has_${ctx.n.children.snake}`);
  return cased(`${column ? column.snake : ctx.n.child.snake}_${fn}`);
}

/** The SQL function of the aggregate, upper-case (EXISTS becomes COUNT: "has any" is "count > 0"). */
export function aggregateSql(ctx: FixContext): string {
  const fn = ctx.aggregate?.fn ?? "count";
  return fn === "exists" ? "COUNT" : fn.toUpperCase();
}

/** The aggregated column, or the child's key when the aggregate is a COUNT(*) / EXISTS. */
export function aggregateColumn(ctx: FixContext): Cased {
  return ctx.aggregate?.column ?? cased("id");
}

/** Short alias for a model: Post -> p (JPQL, EF Core lambdas, Ecto bindings). */
export function alias(c: Cased): string {
  return (c.camel[0] ?? "x").toLowerCase();
}

/** Distinct one-letter aliases along a chain: Post p, Comment c, Category c2. */
export function chainAliases(links: readonly Link[]): string[] {
  const seen = new Map<string, number>();
  const pick = (c: Cased) => {
    const a = alias(c);
    const n = (seen.get(a) ?? 0) + 1;
    seen.set(a, n);
    return n === 1 ? a : `${a}${n}`;
  };
  const first = links[0];
  return first ? [pick(first.n.parent), ...links.map((l) => pick(l.n.child))] : [];
}

/** Number of one-to-many levels in a chain: each costs one IN query in select-in style loaders. */
export function collectionLevels(links: readonly Link[]): number {
  return links.filter((l) => l.direction === "one-to-many").length;
}

/** "Post -> comments -> author", for summaries. */
export function chainLabel(links: readonly Link[], name: (l: Link) => string): string {
  const first = links[0];
  return first ? [first.n.parent.pascal, ...links.map(name)].join(" -> ") : "";
}

/** Pitfalls shared by every ORM for a strategy, worded once. */
export const COMMON = {
  bigCollections:
    "Large collections: eager-loading thousands of children per parent moves the cost into memory; paginate the parents or load the children for the page only.",
  writeTransaction:
    "A commit per row is as costly as the statement: run the bulk statement in one transaction, and chunk very large batches (a few thousand rows).",
  bulkHooks:
    "Bulk statements skip per-object hooks, callbacks and validations the loop used to run; move that logic before the bulk call.",
  inList:
    "Very long IN lists: chunk the keys (a few thousand per query), and keep the lookup keyed by id in memory.",
};

/** How one language writes a loop, for the "before" snippet of a nested N+1. */
export interface LoopStyle {
  open: (item: string, list: string) => string;
  /** Closing line of a loop, or null when indentation closes it (Python). */
  close: string | null;
  get: (obj: string, attr: string) => string;
  /** A statement that loads the relation first (Go, where nothing loads lazily); `get` then only reads it. */
  load?: (obj: string, attr: string) => string;
  assign: (name: string, value: string) => string;
  comment: string;
  /** One level of indentation: 4 spaces unless the language's style says otherwise. */
  indent?: string;
  /** Statement terminator (";" in C-like languages). */
  end?: string;
  variable: (c: Cased) => string;
  attr: (l: Link) => string;
}

/** The nested loop behind a chained N+1, one line per level, with where each lazy load happens. */
export function nestedLoop(list: string, links: readonly Link[], s: LoopStyle): string {
  const first = links[0];
  if (!first) return "";
  const lines = [s.open(s.variable(first.n.parent), list)];
  let depth = 1;
  links.forEach((l, i) => {
    const pad = (s.indent ?? "    ").repeat(depth);
    const parent = s.variable(l.n.parent);
    let note = `  ${s.comment} one query per ${l.n.parent.snake.replace(/_/g, " ")}`;
    if (s.load) {
      lines.push(pad + s.load(parent, s.attr(l)) + (s.end ?? "") + note);
      note = "";
      if (i === links.length - 1) return;
    }
    const value = s.get(parent, s.attr(l));
    if (i === links.length - 1) lines.push(pad + value + (s.end ?? "") + note);
    else if (l.direction === "one-to-many") {
      lines.push(pad + s.open(s.variable(l.n.child), value) + note);
      depth++;
    } else lines.push(pad + s.assign(s.variable(l.n.child), value) + (s.end ?? "") + note);
  });
  if (s.close) for (let d = depth - 1; d >= 0; d--) lines.push((s.indent ?? "    ").repeat(d) + s.close);
  return lines.join("\n");
}

export const PYTHON_LOOP: Omit<LoopStyle, "attr"> = {
  open: (item, list) => `for ${item} in ${list}:`,
  close: null,
  get: (obj, attr) => `${obj}.${attr}`,
  assign: (name, value) => `${name} = ${value}`,
  comment: "#",
  variable: (c) => c.snake,
};

export const JS_LOOP: Omit<LoopStyle, "attr"> = {
  open: (item, list) => `for (const ${item} of ${list}) {`,
  close: "}",
  get: (obj, attr) => `${obj}.${attr}`,
  assign: (name, value) => `const ${name} = ${value}`,
  comment: "//",
  indent: "  ",
  end: ";",
  variable: (c) => c.camel,
};

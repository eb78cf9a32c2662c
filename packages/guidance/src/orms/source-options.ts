import type { SourceQuery } from "../types.js";

/**
 * The source query's ORDER BY and LIMIT as the option lines of a JavaScript ORM call
 * (`findAll({ order, limit, include })`). An eager-loading fix rewrites that call; written without them it
 * would list other rows, in another order, than the loop did. A limit the SQL bound as a parameter is written
 * as the variable `limit`, the one the original call passed.
 */
export interface OptionStyle {
  /** `order: [["createdAt", "DESC"]]`, `orderBy: { createdAt: "desc" }`, ... */
  order: (terms: SourceQuery["order"]) => string;
  /** The option naming the row limit (`limit`, TypeORM's `take`), or null when the SQL cannot tell it. */
  limitKey: string | null;
}

export function sourceOptions(source: SourceQuery, style: OptionStyle): string[] {
  const out: string[] = [];
  if (source.order.length > 0) out.push(style.order(source.order));
  if (source.limit && style.limitKey) {
    const value = source.limit === "?" ? "limit" : source.limit;
    out.push(value === style.limitKey ? value : `${style.limitKey}: ${value}`);
  }
  return out;
}

/** `{ a, b }` on one line, or "" for no options: for the "before" call, which keeps the source's options. */
export function inlineOptions(options: readonly string[]): string {
  return options.length === 0 ? "" : `{ ${options.join(", ")} }`;
}

/** The option lines of an "after" call, two-space indented, each ending in a comma. */
export function optionLines(options: readonly string[]): string {
  return options.map((o) => `  ${o},\n`).join("");
}

/** `order: [["createdAt", "DESC"], ["id", "ASC"]]` (Sequelize). */
export const SEQUELIZE_OPTIONS: OptionStyle = {
  order: (terms) =>
    `order: [${terms.map((t) => `["${t.column.camel}", "${t.desc ? "DESC" : "ASC"}"]`).join(", ")}]`,
  limitKey: "limit",
};

/**
 * `orderBy: [{ createdAt: "desc" }]` (Prisma). No limit: Prisma ends every findMany in `LIMIT ? OFFSET ?`, with
 * or without `take`, so the SQL does not say whether the call had one.
 */
export const PRISMA_OPTIONS: OptionStyle = {
  order: (terms) => {
    const each = terms.map((t) => `{ ${t.column.camel}: "${t.desc ? "desc" : "asc"}" }`);
    return `orderBy: ${each.length === 1 ? each[0] : `[${each.join(", ")}]`}`;
  },
  limitKey: null,
};

/** `order: { createdAt: "DESC" }`, `take` (TypeORM find options; MikroORM's orderBy is the same object). */
export const TYPEORM_OPTIONS: OptionStyle = {
  order: (terms) =>
    `order: { ${terms.map((t) => `${t.column.camel}: "${t.desc ? "DESC" : "ASC"}"`).join(", ")} }`,
  limitKey: "take",
};

/** `.order_by(Post.created_at.desc()).limit(20)` after SQLAlchemy's `select(Post)...`; "" when the source had neither. */
export function sqlalchemyTail(source: SourceQuery, model: string): string {
  const terms = source.order.map((t) => `${model}.${t.column.snake}${t.desc ? ".desc()" : ""}`);
  const order = terms.length > 0 ? `.order_by(${terms.join(", ")})` : "";
  const limit = source.limit ? `.limit(${source.limit === "?" ? "limit" : source.limit})` : "";
  return order + limit;
}

/**
 * `.order_by("-created_at")[:20]` after a Django queryset. The limit is left out when it is the 21 of `.get()`
 * (Django's LIMIT 21 guards a single-object lookup, not a page).
 */
export function djangoTail(source: SourceQuery): string {
  const terms = source.order.map((t) => `"${t.desc ? "-" : ""}${t.column.snake}"`);
  const order = terms.length > 0 ? `.order_by(${terms.join(", ")})` : "";
  const limit =
    source.limit && source.limit !== "21" ? `[:${source.limit === "?" ? "limit" : source.limit}]` : "";
  return order + limit;
}

/** `.order(created_at: :desc).limit(20)` after an ActiveRecord relation (not the LIMIT 1 of `.first`/`find`). */
export function activeRecordTail(source: SourceQuery): string {
  const terms = source.order.map((t) => `${t.column.snake}: :${t.desc ? "desc" : "asc"}`);
  const order = terms.length > 0 ? `.order(${terms.join(", ")})` : "";
  const limit =
    source.limit && source.limit !== "1" ? `.limit(${source.limit === "?" ? "limit" : source.limit})` : "";
  return order + limit;
}

/**
 * Table and column names -> model and attribute names. ORMs derive table names from model names with simple
 * English rules (Rails, Laravel, Sequelize pluralize; Django prefixes the app label), so simple rules invert
 * them well enough for a snippet; the irregular words below are the ones schemas actually use.
 */

const IRREGULAR: Record<string, string> = {
  person: "people",
  child: "children",
  man: "men",
  woman: "women",
  mouse: "mice",
  datum: "data",
};
const IRREGULAR_SINGULAR: Record<string, string> = Object.fromEntries(
  Object.entries(IRREGULAR).map(([s, p]) => [p, s]),
);
/** Words that look plural but are not, or are the same in both numbers. */
const INVARIANT = new Set(["news", "series", "species", "data", "metadata", "info", "sms", "analysis"]);

/** Applies `fn` to the last snake segment only: "order_items" -> "order_" + fn("items"). */
function lastSegment(word: string, fn: (w: string) => string): string {
  const i = word.lastIndexOf("_");
  return i < 0 ? fn(word) : word.slice(0, i + 1) + fn(word.slice(i + 1));
}

/** "authors" -> "author", "categories" -> "category", "boxes" -> "box", "order_items" -> "order_item". */
export function singular(word: string): string {
  return lastSegment(word, (w) => {
    const lower = w.toLowerCase();
    if (INVARIANT.has(lower)) return w;
    if (IRREGULAR_SINGULAR[lower]) return IRREGULAR_SINGULAR[lower];
    if (/[^aeiou]ies$/.test(lower)) return w.slice(0, -3) + "y";
    if (/(ss|us|is)$/.test(lower)) return w;
    if (/(x|z|ch|sh|ss|us)es$/.test(lower)) return w.slice(0, -2);
    if (/ses$/.test(lower)) return w.slice(0, -1);
    if (/s$/.test(lower)) return w.slice(0, -1);
    return w;
  });
}

/** "author" -> "authors", "category" -> "categories", "box" -> "boxes", "person" -> "people". */
export function plural(word: string): string {
  return lastSegment(word, (w) => {
    const lower = w.toLowerCase();
    if (INVARIANT.has(lower)) return w;
    if (IRREGULAR[lower]) return IRREGULAR[lower];
    if (/[^aeiou]y$/.test(lower)) return w.slice(0, -1) + "ies";
    if (/(s|x|z|ch|sh)$/.test(lower)) return w + "es";
    return w + "s";
  });
}

/**
 * Whether `table` holds the rows `name` refers to: "post" names post, posts and Django's blog_post, "category"
 * categories, "person" people. Lower-case in, as fingerprints are.
 */
export function namesTable(name: string, table: string): boolean {
  return [name, plural(name)].some((form) => table === form || table.endsWith(`_${form}`));
}

/** Any casing -> snake: "OrderItems" -> "order_items", "authorId" -> "author_id", "PostID" -> "post_id". */
export function snake(word: string): string {
  return word
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
}

/** One name in the three casings fix snippets need: `order_item`, `orderItem`, `OrderItem`. */
export interface Cased {
  snake: string;
  camel: string;
  pascal: string;
}

export function cased(word: string): Cased {
  const s = snake(word) || "item";
  const parts = s.split("_").filter(Boolean);
  const pascal = parts.map((p) => (p[0] ?? "").toUpperCase() + p.slice(1)).join("");
  return { snake: s, camel: (pascal[0] ?? "").toLowerCase() + pascal.slice(1), pascal };
}

/** A foreign-key column's target: "post_id" / "postId" / "PostId" -> "post"; null when it is not a FK. */
export function foreignKeyBase(column: string): string | null {
  const s = snake(column);
  return s !== "id" && s.endsWith("_id") ? s.slice(0, -3) : null;
}

export function isPrimaryKey(column: string): boolean {
  return snake(column) === "id";
}

/** The "<app_label>_" prefix two Django tables share ("blog_post", "blog_comment" -> "blog_"). */
export function sharedAppLabel(a: string, b: string): string | null {
  const left = snake(a).split("_");
  const right = snake(b).split("_");
  let i = 0;
  while (i < left.length - 1 && i < right.length - 1 && left[i] === right[i]) i++;
  return i > 0 ? left.slice(0, i).join("_") + "_" : null;
}

/**
 * A table's model, as a snake singular: "posts" -> "post", "OrderItems" -> "order_item". Django tables are
 * "<app_label>_<model>" with the model name lower-cased and never pluralized: "blog_post" -> "post"; a
 * custom db_table without a prefix is singularized like any other.
 */
export function entityOf(table: string, appLabelTables: boolean, label: string | null = null): string {
  const s = snake(table);
  if (!appLabelTables) return singular(s);
  if (label && s.startsWith(label) && s.length > label.length) return s.slice(label.length);
  const i = s.indexOf("_");
  // No "<app>_" prefix means a custom db_table ("posts"), which people do pluralize.
  return i > 0 && i < s.length - 1 ? s.slice(i + 1) : singular(s);
}

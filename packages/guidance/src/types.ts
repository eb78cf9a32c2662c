import type { Finding, GuidanceStrategy, RelationshipDirection } from "@n1radar/core";
import type { Cased } from "@n1radar/sql";

/** Every ORM with a catalog entry. Adding one here makes the compiler ask for its entry in `orms/index.ts`. */
export type OrmId =
  | "sqlalchemy"
  | "django"
  | "activerecord"
  | "laravel"
  | "hibernate"
  | "efcore"
  | "prisma"
  | "sequelize"
  | "typeorm"
  | "drizzle"
  | "mikroorm"
  | "gorm"
  | "ecto";

/** `telemetry.sdk.language` values, folded (node/javascript -> nodejs, elixir -> erlang, ...). */
export type Language = "python" | "ruby" | "php" | "java" | "dotnet" | "nodejs" | "go" | "erlang";

export type StrategyId = GuidanceStrategy;
export type Direction = RelationshipDirection;
export type WriteOp = "insert" | "update" | "delete";
export type FindingKindInput = Finding["kind"] | undefined;

/** What guidance reads from a finding. The server passes a whole Finding; tests pass the fields they need. */
export type GuidanceInput = Pick<
  Finding,
  "statement" | "sourceStatement" | "repeats" | "totalMs" | "scopeName" | "sdkLanguage"
> &
  Partial<
    Pick<Finding, "kind" | "chain" | "parallel" | "wastedMs" | "code" | "spans" | "endpoint" | "service">
  >;

/** One word in the casings ORMs use: snake (Python, Ruby, Elixir), camel (JS, Java fields), pascal (types). */
export type { Cased };

/** Names for one relationship (parent -> attribute -> child), ready for snippets. Never empty strings. */
export interface Names {
  /** The model the loop iterates over, singular ("post"); "item" when no source query was found. */
  parent: Cased;
  parents: Cased;
  /** The model loaded per row, singular ("author", "comment"). */
  child: Cased;
  children: Cased;
  /** The relation attribute on the parent: "author" (many-to-one) or "comments" (one-to-many). */
  attr: Cased;
  /** Foreign key from child to parent for one-to-many ("post_id"); parent -> child guess for many-to-one. */
  fk: Cased;
  /** The filtered column ("id", "post_id", "sku"). */
  key: Cased;
  /** Table and column names as the SQL spells them, for raw-SQL snippets. */
  parentTable: string;
  childTable: string;
  /** Many-to-many: the link table between them, as the SQL spells it; null for a direct foreign key. */
  linkTable: string | null;
  fkColumn: string;
  keyColumn: string;
}

/** One level of a nested loop, outermost first. */
export interface Link {
  direction: Direction;
  n: Names;
}

/** An aggregate computed once per row: `SELECT COUNT(*) FROM comments WHERE post_id = ?`. */
export interface Aggregate {
  fn: "count" | "sum" | "avg" | "min" | "max" | "exists";
  /** Aggregated column, or null for `*`. */
  column: Cased | null;
}

/** Everything a catalog entry needs to write its fix. */
export interface FixContext {
  strategy: StrategyId;
  direction: Direction;
  n: Names;
  /** For "chained": one link per nesting level, outermost first. Otherwise one link (this relationship). */
  links: Link[];
  aggregate: Aggregate | null;
  write: WriteOp | null;
  repeats: number;
  /** A source query was found, so the fix changes that query rather than adding one. */
  hasSource: boolean;
  /** The order and row limit of the query the fix changes (the outermost source), which the fix must keep. */
  source: SourceQuery;
}

/** What of the loop's source query an eager-loading fix must keep: `ORDER BY created_at DESC LIMIT 20`. */
export interface SourceQuery {
  /** Plain column terms of its ORDER BY, in order (expressions are left out). */
  order: { column: Cased; desc: boolean }[];
  /** Its row limit: digits when the statement kept them, "?" when it was a bound parameter, else null. */
  limit: string | null;
}

export interface Fix {
  /** One line: what to change. */
  summary: string;
  before: string;
  after: string;
  /** The cost of the fix, in one sentence. */
  tradeoff: string;
  /** Pitfalls specific to this strategy; the entry's general pitfalls are added after them. */
  pitfalls?: string[];
  /** Queries the loop takes after the fix, when it differs from the rule book's default for the strategy. */
  expectedQueries?: number;
}

/** How an ORM turns table names into model names. */
export interface NamingStyle {
  /** Django: tables are "<app_label>_<model>", never pluralized. */
  appLabelTables?: boolean;
}

/** A clue that a finding came from one ORM. Weights are independent probabilities, combined as noisy-or. */
export interface Clue {
  on: "scope" | "span" | "code" | "sql";
  pattern: RegExp;
  weight: number;
  /** Shown in the evidence list: what the clue means. */
  label: string;
}

/** The fix catalog of one ORM (or of plain SQL): every strategy must have a fix, the compiler checks. */
export interface FixCatalog {
  name: string;
  naming?: NamingStyle;
  /** Relations load themselves on first access (SQLAlchemy, Django, Rails): the N+1 hides in attribute reads. */
  implicitLazyLoading: boolean;
  /** The relation attribute as this ORM names it ("comment_set" in Django, "Comments" in EF Core). */
  relationName: (n: Names, direction: Direction) => string;
  /** How to count this ORM's queries, one sentence; guidance adds the count to expect. */
  verifyHow: string;
  /** What brings the N+1 back in this ORM: serializers, closed sessions, model-level lazy settings. */
  pitfalls: readonly string[];
  fixes: { readonly [S in StrategyId]: (ctx: FixContext) => Fix };
}

export interface OrmCatalogEntry extends FixCatalog {
  id: OrmId;
  language: Language;
  clues: readonly Clue[];
}

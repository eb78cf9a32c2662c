/**
 * The fix for an N+1, following one rule book for every ORM: many-to-one -> join in the same query;
 * one-to-many -> one extra IN query (no row multiplication); nested loops -> chained loaders; an aggregate per
 * row -> one grouped query; a write per row -> one bulk statement; otherwise fetch the keys in one IN query.
 */
export type GuidanceStrategy =
  | "eager-many-to-one"
  | "eager-one-to-many"
  | "chained"
  | "aggregate"
  | "bulk-write"
  | "batch-ids";

/** many-to-one: each parent row loads one row by primary key; one-to-many: each parent loads its children. */
export type RelationshipDirection = "many-to-one" | "one-to-many" | "unknown";

/** The relationship inferred from the source query and the repeated one (e.g. posts -> authors = Post.author). */
export interface GuidanceRelationship {
  /** Table the loop iterates over, as the SQL names it, or null when no source query was found. */
  parentTable: string | null;
  /** Table the repeated query reads (or writes). */
  childTable: string | null;
  /** Column the repeated query filters on, e.g. "id" or "post_id". */
  column: string | null;
  direction: RelationshipDirection;
  /** Likely model name of the parent in the ORM's own naming ("Post"), or null when unknown. */
  parentModel: string | null;
  /** Likely relation attribute on the parent in the ORM's naming ("author", "comment_set", "Comments"). */
  attribute: string | null;
}

/** Fix guidance attached to a finding. Produced by @n1radar/guidance, shown by the API and dashboard. */
export interface Guidance {
  /** Recognised ORM id ("sqlalchemy", "django", "activerecord", ...) or null when unknown. */
  orm: string | null;
  /** Display name of the ORM, or "SQL" for the plain fallback. */
  ormName: string;
  /** 0..1, how sure the ORM recognition is. */
  confidence: number;
  /** One line: what to change. */
  summary: string;
  /** Why, in this request's numbers. */
  why: string;
  before: string | null;
  after: string | null;
  /** How to check the fix worked. */
  verify: string;
  // The fields below were added after the first release. They are optional so guidance stored by an older
  // version still reads as a Guidance; @n1radar/guidance always fills every one of them.
  /** Which rule of the rule book applies. */
  strategy?: GuidanceStrategy;
  /** The cost of the fix, in one sentence. */
  tradeoff?: string;
  /** What brings the N+1 back after the fix (serializers, closed sessions, model-level lazy settings, ...). */
  pitfalls?: string[];
  /** The clues behind the ORM recognition, for "why we think it's SQLAlchemy". */
  evidence?: string[];
  relationship?: GuidanceRelationship | null;
  /** Queries the loop (source query plus the repeated part) should take after the fix. */
  expectedQueries?: number;
}

/**
 * Ignore-rule patterns in SQL with the pipeline's semantics (detector `globMatches`): exact, or `*` for any run of
 * characters, case-sensitive, nothing else special. SQLite's GLOB is case-sensitive and treats `*` the same way;
 * its other wildcards, `?` and `[`, are made literal by wrapping them in a one-character class.
 */
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";

/** A rule pattern as a GLOB pattern: `?` and `[` literal, `*` a wildcard. */
export function globPattern(pattern: string): string {
  return pattern.replace(/\[/g, "[[]").replace(/\?/g, "[?]");
}

/** `value` matches the pattern held in `pattern` (a column or a bound value), with the pipeline's semantics. */
export function matchesGlob(value: SQLWrapper | string, pattern: SQLWrapper): SQL {
  return sql`${value} GLOB replace(replace(${pattern}, '[', '[[]'), '?', '[?]')`;
}

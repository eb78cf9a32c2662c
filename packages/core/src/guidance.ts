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
}

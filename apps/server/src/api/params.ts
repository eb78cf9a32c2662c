/** Validation of the API's query strings and bodies (zod), turned into `bad_request` errors. */
import { IGNORE_SCOPES, N1Error, OFFENDER_SORTS, OFFENDER_STATUSES, WORKFLOW_STATUSES } from "@n1radar/core";
import { z } from "zod";

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const RELATIVE = /^(\d{1,5})([mhdw])$/;

// ISO 8601 only: a date, or a date and time with an optional zone. Date.parse alone is far too lenient (it reads
// "-1" and "1" as 2001-01-01 and "2024-02-30" as March 1st); plain numbers are refused too, since epoch seconds
// and milliseconds are too easy to mix up.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** A time bound: an ISO 8601 date or time, or a duration back from now: 30m, 24h, 7d, 2w. */
export function parseTimeBound(value: string, nowMs: number): number | null {
  const relative = RELATIVE.exec(value);
  if (relative) return nowMs - Number(relative[1]) * (UNITS[relative[2] as string] as number);
  const iso = ISO.exec(value);
  if (!iso) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  // The calendar date must exist: Date.parse rolls 2024-02-30 over into March instead of refusing it.
  const [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return at;
}

/**
 * A whole number written in plain decimal digits. z.coerce.number() would take "0x10" as 16, "1e2" as 100 and
 * " 7" as 7; an API that guesses hides the caller's mistake.
 */
export function wholeNumber(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,15}$/, "expected a whole number written in digits, such as 25")
    .transform(Number)
    .pipe(z.number().min(min).max(max));
}

const timeBound = z
  .string()
  .refine(
    (v) => parseTimeBound(v, 0) !== null,
    "expected an ISO 8601 time or a duration such as 30m, 24h, 7d",
  );
const text = z.string().max(1000);

export const listQuery = z.object({
  limit: wholeNumber(1, 500).default(100),
  offset: wholeNumber(0, Number.MAX_SAFE_INTEGER).default(0),
  sort: z.enum(OFFENDER_SORTS).default("wasted"),
  service: text.optional(),
  endpoint: text.optional(),
  orm: text.optional(),
  status: z
    .string()
    .transform((v) => v.split(",").map((s) => s.trim()))
    .pipe(z.array(z.enum(OFFENDER_STATUSES)))
    .optional(),
  since: timeBound.optional(),
  until: timeBound.optional(),
  q: z.string().max(200).optional(),
  trendHours: wholeNumber(1, 168).default(24),
});

export const rangeQuery = listQuery.pick({ since: true, until: true, service: true });

export const statusBody = z.object({ status: z.enum(WORKFLOW_STATUSES) });

export const ignoreBody = z.object({
  scope: z.enum(IGNORE_SCOPES),
  reason: z.string().trim().max(500).optional(),
});

export const ignorePreviewQuery = ignoreBody.pick({ scope: true });

export const ruleId = wholeNumber(1, Number.MAX_SAFE_INTEGER);

function fail(error: z.ZodError): never {
  throw new N1Error(
    "bad_request",
    error.issues.map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; "),
  );
}

/**
 * Parses a query string (hono's `c.req.queries()`, every value of every name). Empty values count as absent, as
 * in `?service=&status=open`; a name the route does not know, or one given twice, is a bad request rather than
 * silently ignored or silently resolved to one of its values.
 */
export function parseQuery<T extends z.ZodObject>(schema: T, query: Record<string, string[]>): z.infer<T> {
  const cleaned: Record<string, string> = {};
  for (const [name, values] of Object.entries(query)) {
    const given = values.filter((v) => v !== "");
    if (given.length > 1)
      throw new N1Error("bad_request", `${name}: given ${given.length} times; give it once`);
    if (given[0] !== undefined) cleaned[name] = given[0];
  }
  const parsed = schema.strict().safeParse(cleaned);
  if (!parsed.success) fail(parsed.error);
  return parsed.data as z.infer<T>;
}

/** For routes that take no query parameters: any given is a bad request naming it, not silently ignored. */
export function noQuery(req: { queries(): Record<string, string[]> }): void {
  parseQuery(z.object({}), req.queries());
}

export function parseValue<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) fail(parsed.error);
  return parsed.data;
}

/** A JSON request body; malformed JSON is a bad request, not an internal error. */
export async function jsonBody(req: { json(): Promise<unknown> }): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw new N1Error("bad_request", "the body must be JSON");
  }
}

/** since/until as epoch ms for the store. */
export function timeRange(
  query: { since?: string; until?: string },
  nowMs: number,
): { sinceMs?: number; untilMs?: number } {
  const range: { sinceMs?: number; untilMs?: number } = {};
  if (query.since !== undefined) range.sinceMs = parseTimeBound(query.since, nowMs) as number;
  if (query.until !== undefined) range.untilMs = parseTimeBound(query.until, nowMs) as number;
  return range;
}

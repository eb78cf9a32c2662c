/** Validation of the API's query strings and bodies (zod), turned into `bad_request` errors. */
import { N1Error } from "@n1radar/core";
import { z } from "zod";

const STATUSES = ["open", "acknowledged", "resolved", "ignored", "regressed"] as const;
const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const RELATIVE = /^(\d{1,5})([mhdw])$/;

/** A time bound: ISO 8601 (or anything Date.parse reads), or a duration back from now: 30m, 24h, 7d, 2w. */
export function parseTimeBound(value: string, nowMs: number): number | null {
  const relative = RELATIVE.exec(value);
  if (relative) return nowMs - Number(relative[1]) * (UNITS[relative[2] as string] as number);
  // Plain numbers are rejected: epoch seconds and milliseconds are too easy to mix up.
  if (/^\d+$/.test(value)) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}

const timeBound = z
  .string()
  .refine(
    (v) => parseTimeBound(v, 0) !== null,
    "expected an ISO 8601 time or a duration such as 30m, 24h, 7d",
  );
const text = z.string().max(1000);

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  sort: z.enum(["wasted", "traces", "repeats", "recent"]).default("wasted"),
  service: text.optional(),
  endpoint: text.optional(),
  orm: text.optional(),
  status: z
    .string()
    .transform((v) => v.split(",").map((s) => s.trim()))
    .pipe(z.array(z.enum(STATUSES)))
    .optional(),
  since: timeBound.optional(),
  until: timeBound.optional(),
  q: z.string().max(200).optional(),
  trendHours: z.coerce.number().int().min(1).max(168).default(24),
});

export const rangeQuery = listQuery.pick({ since: true, until: true, service: true });

export const statusBody = z.object({ status: z.enum(["open", "acknowledged", "resolved"]) });

export const ignoreBody = z.object({
  scope: z.enum(["statement", "endpoint"]),
  reason: z.string().trim().max(500).optional(),
});

export const ignorePreviewQuery = ignoreBody.pick({ scope: true });

export const ruleId = z.coerce.number().int().positive();

function fail(error: z.ZodError): never {
  throw new N1Error(
    "bad_request",
    error.issues.map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; "),
  );
}

/** Parses a query string; empty values count as absent, as in `?service=&status=open`. */
export function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): z.infer<T> {
  const cleaned = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) fail(parsed.error);
  return parsed.data;
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

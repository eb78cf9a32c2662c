/**
 * Validation of the API's query strings and bodies against core's request schemas (`@n1radar/core/schemas`),
 * turned into `bad_request` errors.
 */
import { N1Error } from "@n1radar/core";
import { parseTimeBound } from "@n1radar/core/schemas";
import { z } from "zod";

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

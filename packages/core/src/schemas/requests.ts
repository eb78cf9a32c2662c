/**
 * What the API accepts: its query strings and JSON bodies, as zod schemas the server validates with. Query
 * values arrive as strings; the server drops empty ones and refuses unknown names (apps/server's params.ts).
 */
import { z } from "zod";
import { DELIVERY_STATUSES } from "../alerts.js";
import { IGNORE_SCOPES, OFFENDER_SORTS, OFFENDER_STATUSES, WORKFLOW_STATUSES } from "../offender.js";

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
function wholeNumber(min: number, max: number) {
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

/** GET /api/findings: paging, sort, filters and the sparkline's hours. */
export const OffenderListQuerySchema = z.object({
  limit: wholeNumber(1, 500).default(100),
  offset: wholeNumber(0, Number.MAX_SAFE_INTEGER).default(0),
  sort: z.enum(OFFENDER_SORTS).default("wasted"),
  service: text.optional(),
  endpoint: text.optional(),
  orm: text.optional(),
  /** Comma-separated statuses, any of which matches. */
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

/** GET /api/overview: a time range and a service. */
export const OverviewQuerySchema = OffenderListQuerySchema.pick({ since: true, until: true, service: true });

/** POST /api/findings/:id/status: the statuses a person sets directly. */
export const StatusChangeSchema = z.object({ status: z.enum(WORKFLOW_STATUSES) });

/** POST /api/findings/:id/ignore: what the rule covers, and why (optional). */
export const IgnoreRequestSchema = z.object({
  scope: z.enum(IGNORE_SCOPES),
  reason: z.string().trim().max(500).optional(),
});

/** GET /api/findings/:id/ignore-preview. */
export const IgnorePreviewQuerySchema = IgnoreRequestSchema.pick({ scope: true });

/** DELETE /api/ignore-rules/:id: a positive id in digits only. */
export const RuleIdSchema = wholeNumber(1, Number.MAX_SAFE_INTEGER);

/** GET /api/alerts/deliveries: one status (the dashboard asks for `dead`) and how many. */
export const DeliveriesQuerySchema = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: wholeNumber(1, 500).default(100),
});

/** POST /api/alerts/destinations/:id/enabled. */
export const EnabledChangeSchema = z.object({ enabled: z.boolean() });

/**
 * A destination's settings, the same from ALERT_DESTINATIONS, ALERT_DESTINATIONS_FILE and the API, and the
 * pure rules deciding which alerts it gets.
 */
import { z } from "zod";
import { secretKey } from "./signature.js";
import { ALERT_EVENTS, type AlertEvent, DESTINATION_TYPES } from "./types.js";

const names = z.array(z.string().trim().min(1).max(500)).min(1);

export const destinationSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    type: z.enum(DESTINATION_TYPES),
    url: z.string().trim().min(1).max(2_000),
    secret: z.string().optional(),
    services: names.optional(),
    /** Exact routes ("GET /orders/:id"), `*` as a wildcard. */
    endpoints: names.optional(),
    environments: names.optional(),
    minRepeats: z.number().int().min(1).optional(),
    minWastedMsPerHour: z.number().min(0).optional(),
    events: z.array(z.enum(ALERT_EVENTS)).min(1).optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.type === "webhook") {
      if (!d.secret || !secretKey(d.secret))
        ctx.addIssue({
          code: "custom",
          path: ["secret"],
          message: "a webhook needs a secret: whsec_ followed by base64 of at least 16 random bytes",
        });
    } else if (d.secret !== undefined) {
      ctx.addIssue({ code: "custom", path: ["secret"], message: `only webhook destinations take a secret` });
    }
  });

export type DestinationSettings = z.infer<typeof destinationSchema>;

/** The filter half of a destination's settings. */
export type DestinationFilter = Pick<
  DestinationSettings,
  "services" | "endpoints" | "environments" | "minRepeats" | "minWastedMsPerHour" | "events"
>;

export const DEFAULT_EVENTS: readonly AlertEvent[] = ALERT_EVENTS;

export function wantsEvent(filter: DestinationFilter, event: AlertEvent): boolean {
  return (filter.events ?? DEFAULT_EVENTS).includes(event);
}

function endpointMatches(pattern: string, endpoint: string): boolean {
  if (!pattern.includes("*")) return pattern === endpoint;
  const regex = pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${regex.join(".*")}$`, "s").test(endpoint);
}

/** Whether an offender is in the destination's scope: its services, endpoints and environments. */
export function inScope(
  filter: DestinationFilter,
  offender: { service: string; endpoint: string; environment: string | null },
): boolean {
  if (filter.services && !filter.services.includes(offender.service)) return false;
  if (filter.endpoints && !filter.endpoints.some((p) => endpointMatches(p, offender.endpoint))) return false;
  if (filter.environments && !(offender.environment && filter.environments.includes(offender.environment)))
    return false;
  return true;
}

/** Whether an offender is past the destination's bars (repeats per request, time wasted per hour). */
export function meetsThresholds(
  filter: DestinationFilter,
  numbers: { repeats: number; wastedMsPerHour: number },
): boolean {
  return (
    numbers.repeats >= (filter.minRepeats ?? 0) && numbers.wastedMsPerHour >= (filter.minWastedMsPerHour ?? 0)
  );
}

/** A destination has a threshold to cross only when it sets one. */
export function hasThresholds(filter: DestinationFilter): boolean {
  return filter.minRepeats !== undefined || filter.minWastedMsPerHour !== undefined;
}

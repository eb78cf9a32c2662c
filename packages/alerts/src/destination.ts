/**
 * The pure rules deciding which alerts a destination gets. Its settings, the same from ALERT_DESTINATIONS,
 * ALERT_DESTINATIONS_FILE and the API, are core's DestinationSettingsSchema.
 */
import { ALERT_EVENTS, type AlertEvent, type DestinationSettings } from "@n1radar/core";

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

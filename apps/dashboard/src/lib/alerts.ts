// The alert destinations and dead letters API (see the README's Alerts section). URLs and secrets come back
// masked: the dashboard never holds a stored one.
import type {
  AlertEvent,
  Delivery,
  Destination,
  DestinationSettings,
  DestinationType,
  TestResult,
} from "@n1radar/core";
import { request } from "./api";

export type { AlertEvent, Delivery, Destination, DestinationType, TestResult };

/** Every platform, named for people; a platform core adds fails to compile here until it is named. */
export const TYPE_LABELS: Record<DestinationType, string> = {
  slack: "Slack",
  discord: "Discord",
  teams: "Microsoft Teams",
  googlechat: "Google Chat",
  mattermost: "Mattermost",
  webhook: "Webhook (Standard Webhooks)",
};
/** The platforms in the form's order. */
export const DESTINATION_TYPES = Object.keys(TYPE_LABELS) as DestinationType[];

const path = (id: string) => `/api/alerts/destinations/${encodeURIComponent(id)}`;

export async function listDestinations(signal?: AbortSignal): Promise<Destination[]> {
  return (
    await request<{ destinations: Destination[] }>("GET", "/api/alerts/destinations", undefined, signal)
  ).destinations;
}

export function createDestination(input: DestinationSettings): Promise<{ destination: Destination }> {
  return request("POST", "/api/alerts/destinations", input);
}

/** Replaces a destination's settings; a missing url or secret keeps the stored one. */
export function updateDestination(
  id: string,
  input: Omit<DestinationSettings, "url"> & { url?: string },
): Promise<{ destination: Destination }> {
  return request("PUT", path(id), input);
}

export function setEnabled(id: string, enabled: boolean): Promise<{ destination: Destination }> {
  return request("POST", `${path(id)}/enabled`, { enabled });
}

export function deleteDestination(id: string): Promise<{ deleted: true }> {
  return request("DELETE", path(id));
}

export async function sendTest(id: string): Promise<TestResult> {
  return (await request<{ result: TestResult }>("POST", `${path(id)}/test`)).result;
}

export async function listDeadLetters(signal?: AbortSignal): Promise<Delivery[]> {
  return (
    await request<{ deliveries: Delivery[] }>("GET", "/api/alerts/deliveries?status=dead", undefined, signal)
  ).deliveries;
}

export function resend(id: string): Promise<{ resent: true }> {
  return request("POST", `/api/alerts/deliveries/${encodeURIComponent(id)}/resend`);
}

/** A Standard Webhooks secret made in the browser: whsec_ + base64 of 32 random bytes. */
export function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** "a, b ,c" -> ["a", "b", "c"]; empty -> undefined (no filter). */
export function listField(text: string): string[] | undefined {
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  return items.length > 0 ? items : undefined;
}

/**
 * JSON shapes of the API's list, overview and workflow routes: produced by @n1radar/db, served by the server,
 * read by the dashboard. Field names are a public contract.
 */
import type { Offender } from "./offender.js";

/** A list row: the Offender plus occurrences per hour for the sparkline, oldest first. */
export interface OffenderListItem extends Offender {
  trend: number[];
}

export interface OffenderPage {
  findings: OffenderListItem[];
  /** Offenders matching the filter, across all pages. */
  total: number;
  /** Start of the first trend bucket (ISO 8601); buckets are one hour each. */
  trendStart: string;
}

/** Counts for one service or endpoint. Ignored offenders are left out: the team chose to keep those loops. */
export interface OverviewCounts {
  /** Offenders not ignored. */
  offenders: number;
  /** Open, acknowledged or regressed: still to fix. */
  unresolved: number;
  regressed: number;
  /** Time wasted within the requested range (all of it without one), resolved offenders included. */
  wastedMs: number;
  /** The part of wastedMs still to fix: open, acknowledged and regressed offenders. */
  unresolvedWastedMs: number;
  /** What fixing the offenders still to fix would save per day at the traffic seen (savings.ts). */
  savingsPerDay: { dbCalls: number; dbTimeMs: number };
  /** Traces affected, summed over offenders (a trace with two offenders counts twice). */
  traces: number;
  /** Newest lastSeen (ISO 8601). */
  lastSeen: string;
}

export interface OverviewEndpoint extends OverviewCounts {
  endpoint: string;
}

export interface OverviewService extends OverviewCounts {
  service: string;
  /** All endpoints with offenders; `endpoints` holds at most the top ones by time wasted. */
  endpointCount: number;
  endpoints: OverviewEndpoint[];
}

export interface Overview {
  totals: OverviewCounts & { services: number; endpoints: number; ignored: number };
  /** Most time wasted first. */
  services: OverviewService[];
}

export interface Facets {
  services: string[];
  /** Recognised ORMs: the id to filter by and the name to show. */
  orms: { orm: string; name: string }[];
  /** True when some offenders have no recognised ORM (filter with `orm=none`). */
  unknownOrm: boolean;
}

/** A loop the team keeps on purpose. Null fields match anything; `statement` is normalized SQL, exact. */
export interface IgnoreRule {
  id: number;
  service: string | null;
  endpoint: string | null;
  statement: string | null;
  reason: string | null;
  createdAt: string;
  /** Who created it: the sign-in proxy's user name, "token", or null when nobody signs in. */
  createdBy: string | null;
}

/** GET /api/ingest, one service: what has arrived from it since start-up. */
export interface ServiceIngest {
  service: string;
  spans: number;
  /** Spans that carry a database statement, the ones the detector reads. */
  dbSpans: number;
  /** ISO 8601: when the first and the latest span of this service arrived (arrival time, not span time). */
  firstSeen: string;
  lastSeen: string;
}

/** GET /api/ingest: what has arrived since start-up, so an empty dashboard can say why it is empty. */
export interface IngestReport {
  /** ISO 8601: when counting started (server start-up). */
  since: string;
  spans: number;
  dbSpans: number;
  /** Most recent first. */
  services: ServiceIngest[];
}

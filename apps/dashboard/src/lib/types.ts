// The API's JSON shapes. The contract types come from @n1radar/core as types only (erased at build time:
// the dashboard still talks to the server only over HTTP); the shapes below are the dashboard API's own.
import type { Offender } from "@n1radar/core";

export type {
  CodeLocation,
  Guidance,
  GuidanceRelationship,
  GuidanceStrategy,
  HistoryPoint,
  Offender,
  OffenderDetail,
  OffenderStatus,
  SampleSpan,
} from "@n1radar/core";

/** A list row: the offender plus occurrences per hour, oldest first, for the sparkline. */
export interface OffenderListItem extends Offender {
  trend: number[];
}

export interface FindingsPage {
  findings: OffenderListItem[];
  total: number;
  /** Start of the first trend bucket. */
  trendStart: string;
}

export interface OverviewCounts {
  offenders: number;
  unresolved: number;
  regressed: number;
  wastedMs: number;
  traces: number;
  lastSeen: string;
}

export interface OverviewEndpoint extends OverviewCounts {
  endpoint: string;
}

export interface OverviewService extends OverviewCounts {
  service: string;
  endpointCount: number;
  endpoints: OverviewEndpoint[];
}

export interface Overview {
  totals: OverviewCounts & { services: number; endpoints: number; ignored: number };
  services: OverviewService[];
}

export interface Facets {
  services: string[];
  orms: { orm: string; name: string }[];
  unknownOrm: boolean;
}

export interface IgnoreRule {
  id: number;
  service: string | null;
  endpoint: string | null;
  statement: string | null;
  reason: string | null;
  createdAt: string;
}

export interface DashboardConfig {
  traceUrlTemplate: string | null;
  /** The OTLP/HTTP receiver's port, for the setup instructions. */
  otlpHttpPort?: number;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

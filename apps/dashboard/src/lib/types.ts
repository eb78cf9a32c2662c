// The API's JSON shapes. The contract types come from @n1radar/core as types only (erased at build time:
// the dashboard still talks to the server only over HTTP); the shapes below are the dashboard API's own.
export type {
  CodeLocation,
  Facets,
  Guidance,
  GuidanceRelationship,
  GuidanceStrategy,
  HistoryPoint,
  IgnoreRule,
  IgnoreScope,
  IngestReport,
  Offender,
  OffenderDetail,
  OffenderListItem,
  OffenderPage,
  OffenderSort,
  OffenderStatus,
  Overview,
  OverviewCounts,
  OverviewEndpoint,
  OverviewService,
  SampleSpan,
  WorkflowStatus,
} from "@n1radar/core";

export interface DashboardConfig {
  traceUrlTemplate: string | null;
  /** The OTLP/HTTP receiver's port, for the setup instructions. */
  otlpHttpPort?: number;
  /** How people sign in (token, proxy, or open) and who this is; `canSignOut` for a token session. */
  access?: { mode: "token" | "proxy" | "open"; user: string | null; canSignOut: boolean };
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

/**
 * JSON shapes of the API's list, overview and workflow routes: produced by @n1radar/db, served by the server,
 * read by the dashboard. Field names are a public contract; schemas/ defines each as a zod schema (the
 * `@n1radar/core/schemas` entry) and these are the types inferred from them.
 */

export type { Delivery, Destination, DestinationSettings, TestResult } from "./schemas/alerts.js";
export type { OffenderListItem, OffenderPage } from "./schemas/offender.js";
export type {
  ApiError,
  DashboardConfig,
  Explanation,
  Facets,
  GroupExplanation,
  IgnorePreview,
  IgnoreRule,
  IngestReport,
  Overview,
  OverviewCounts,
  OverviewEndpoint,
  OverviewService,
  ServiceIngest,
  Verdict,
} from "./schemas/responses.js";

// The only place that talks to the server. Same origin, JSON under /api/.

import type { IgnorePreview } from "./ignore-preview";
import type { ListedRule } from "./ignore-rules";
import type {
  ApiErrorBody,
  DashboardConfig,
  Facets,
  IgnoreRule,
  IgnoreScope,
  IngestReport,
  OffenderDetail,
  OffenderPage,
  Overview,
  WorkflowStatus,
} from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  get notFound(): boolean {
    return this.status === 404;
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === "object" && error !== null && "code" in error && "message" in error;
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      signal,
      // Every change is sent as JSON, body or not: the server refuses other state changes as possible forgeries.
      headers:
        method === "GET"
          ? { accept: "application/json" }
          : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    // fetch rejects only when the server cannot be reached at all.
    throw new ApiError(0, "unreachable", "Cannot reach the n1radar server.");
  }
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    // The session ended (expired, signed out elsewhere, token changed): back to the sign-in page, then here.
    if (response.status === 401 && typeof window !== "undefined")
      window.location.assign(
        `/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`,
      );
    if (isErrorBody(json)) throw new ApiError(response.status, json.error.code, json.error.message);
    throw new ApiError(response.status, "http_error", `The server answered ${response.status}.`);
  }
  if (json === null)
    throw new ApiError(response.status, "bad_json", "The server sent something that is not JSON.");
  return json as T;
}

const getJson = <T>(path: string, signal?: AbortSignal) => request<T>("GET", path, undefined, signal);

/** One page of the ranked list; `query` is built by filters.apiQuery. */
export function listOffenders(query: string, signal?: AbortSignal): Promise<OffenderPage> {
  return getJson<OffenderPage>(`/api/findings?${query}`, signal);
}

export async function getOffender(id: string, signal?: AbortSignal): Promise<OffenderDetail> {
  const body = await getJson<{ finding: OffenderDetail }>(`/api/findings/${encodeURIComponent(id)}`, signal);
  return body.finding;
}

export async function setStatus(id: string, status: WorkflowStatus): Promise<OffenderDetail> {
  const body = await request<{ finding: OffenderDetail }>(
    "POST",
    `/api/findings/${encodeURIComponent(id)}/status`,
    { status },
  );
  return body.finding;
}

export async function ignoreOffender(
  id: string,
  scope: IgnoreScope,
  reason: string,
): Promise<{ finding: OffenderDetail; rule: IgnoreRule; ignored: number }> {
  return request("POST", `/api/findings/${encodeURIComponent(id)}/ignore`, {
    scope,
    ...(reason.trim() ? { reason: reason.trim() } : {}),
  });
}

/** `query`: the range, from overview-range.rangeQuery (`since=7d`, or empty for all time). */
export function getOverview(query: string, signal?: AbortSignal): Promise<Overview> {
  return getJson<Overview>(`/api/overview${query ? `?${query}` : ""}`, signal);
}

/** What ignoring `id` with `scope` would cover; creates nothing. */
export function previewIgnore(id: string, scope: IgnoreScope, signal?: AbortSignal): Promise<IgnorePreview> {
  return getJson<IgnorePreview>(
    `/api/findings/${encodeURIComponent(id)}/ignore-preview?scope=${scope}`,
    signal,
  );
}

export function getIngest(signal?: AbortSignal): Promise<IngestReport> {
  return getJson<IngestReport>("/api/ingest", signal);
}

export function getFacets(signal?: AbortSignal): Promise<Facets> {
  return getJson<Facets>("/api/facets", signal);
}

let config: Promise<DashboardConfig> | null = null;

/** Server settings the dashboard needs; fetched once per page load (a failure is retried next time). */
export function getConfig(): Promise<DashboardConfig> {
  config ??= getJson<DashboardConfig>("/api/config").catch((error: unknown) => {
    config = null;
    throw error;
  });
  return config;
}

export async function listIgnoreRules(signal?: AbortSignal): Promise<ListedRule[]> {
  return (await getJson<{ rules: ListedRule[] }>("/api/ignore-rules", signal)).rules;
}

export function deleteIgnoreRule(id: number): Promise<{ deleted: true; reopened: number }> {
  return request("DELETE", `/api/ignore-rules/${id}`);
}

/** True for the rejection an aborted fetch produces, which callers should ignore. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

// The only place that talks to the server. Same origin, JSON under /api/.
import type { ApiErrorBody, Offender, OffenderDetail } from "./types";

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

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { signal, headers: { accept: "application/json" } });
  } catch (error) {
    if (signal?.aborted) throw error;
    // fetch rejects only when the server cannot be reached at all.
    throw new ApiError(0, "unreachable", "Cannot reach the n1radar server.");
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    if (isErrorBody(body)) throw new ApiError(response.status, body.error.code, body.error.message);
    throw new ApiError(response.status, "http_error", `The server answered ${response.status}.`);
  }
  if (body === null)
    throw new ApiError(response.status, "bad_json", "The server sent something that is not JSON.");
  return body as T;
}

export async function listFindings(signal?: AbortSignal): Promise<Offender[]> {
  const body = await getJson<{ findings: Offender[] }>("/api/findings", signal);
  return body.findings;
}

export async function getFinding(id: string, signal?: AbortSignal): Promise<OffenderDetail> {
  const body = await getJson<{ finding: OffenderDetail }>(`/api/findings/${encodeURIComponent(id)}`, signal);
  return body.finding;
}

/** True for the rejection an aborted fetch produces, which callers should ignore. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

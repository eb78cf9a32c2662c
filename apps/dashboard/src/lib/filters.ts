// The list's view state (filters, sort, page) lives in the URL's query string, so a view can be shared and
// survives a reload. Pure: parse from and write to URLSearchParams, and build the API query.
import type { OffenderSort, OffenderStatus } from "./types";

export type Sort = OffenderSort;

/** Status choices offered in the filter; "active" (the default) is what still needs work. */
export const STATUS_CHOICES = [
  { value: "active", label: "Needs attention", statuses: ["open", "acknowledged", "regressed"] },
  { value: "open", label: "Open", statuses: ["open"] },
  { value: "regressed", label: "Regressed", statuses: ["regressed"] },
  { value: "acknowledged", label: "Acknowledged", statuses: ["acknowledged"] },
  { value: "resolved", label: "Resolved", statuses: ["resolved"] },
  { value: "ignored", label: "Ignored", statuses: ["ignored"] },
  { value: "all", label: "Any status", statuses: [] },
] as const satisfies readonly { value: string; label: string; statuses: readonly OffenderStatus[] }[];

export type StatusChoice = (typeof STATUS_CHOICES)[number]["value"];

export const SINCE_CHOICES = [
  { value: "", label: "Any time" },
  { value: "1h", label: "Last hour" },
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
  { value: "30d", label: "Last 30 days" },
] as const;

export const SORT_CHOICES: readonly { value: Sort; label: string }[] = [
  { value: "wasted", label: "Time wasted" },
  { value: "traces", label: "Traces" },
  { value: "repeats", label: "Repeats" },
  { value: "recent", label: "Recent" },
];

export interface ListView {
  q: string;
  service: string;
  endpoint: string;
  orm: string;
  status: StatusChoice;
  since: string;
  sort: Sort;
  /** 1-based. */
  page: number;
}

export const PAGE_SIZE = 50;

export const DEFAULT_VIEW: ListView = {
  q: "",
  service: "",
  endpoint: "",
  orm: "",
  status: "active",
  since: "",
  sort: "wasted",
  page: 1,
};

const oneOf = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T =>
  allowed.includes(value as T) ? (value as T) : fallback;

/** Reads a view from a query string; unknown or malformed values fall back to the defaults. */
export function parseView(params: URLSearchParams): ListView {
  const page = Number.parseInt(params.get("page") ?? "", 10);
  return {
    q: params.get("q") ?? "",
    service: params.get("service") ?? "",
    endpoint: params.get("endpoint") ?? "",
    orm: params.get("orm") ?? "",
    status: oneOf(
      params.get("status"),
      STATUS_CHOICES.map((c) => c.value),
      DEFAULT_VIEW.status,
    ),
    since: oneOf(
      params.get("since"),
      SINCE_CHOICES.map((c) => c.value),
      "",
    ),
    sort: oneOf(
      params.get("sort"),
      SORT_CHOICES.map((c) => c.value),
      DEFAULT_VIEW.sort,
    ),
    page: Number.isFinite(page) && page >= 1 ? page : 1,
  };
}

/** The query string for a view, defaults left out so plain URLs stay plain. Includes the leading "?" if any. */
export function viewSearch(view: ListView): string {
  const params = new URLSearchParams();
  for (const key of ["q", "service", "endpoint", "orm", "status", "since", "sort"] as const) {
    const value = view[key];
    if (value !== DEFAULT_VIEW[key] && value !== "") params.set(key, value);
  }
  if (view.page > 1) params.set("page", String(view.page));
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

/** True when anything narrows the list (sort and page do not). */
export function isFiltered(view: ListView): boolean {
  return (
    view.q.trim() !== "" ||
    view.service !== "" ||
    view.endpoint !== "" ||
    view.orm !== "" ||
    view.status !== DEFAULT_VIEW.status ||
    view.since !== ""
  );
}

/** The /api/findings query for a view. */
export function apiQuery(view: ListView): string {
  const params = new URLSearchParams({
    sort: view.sort,
    limit: String(PAGE_SIZE),
    offset: String((view.page - 1) * PAGE_SIZE),
  });
  if (view.q.trim() !== "") params.set("q", view.q.trim());
  for (const key of ["service", "endpoint", "orm", "since"] as const)
    if (view[key]) params.set(key, view[key]);
  const statuses = STATUS_CHOICES.find((c) => c.value === view.status)?.statuses ?? [];
  if (statuses.length > 0) params.set("status", statuses.join(","));
  return params.toString();
}

/** A link to the list narrowed to one service or endpoint, as the overview and finding page use. */
export function listHref(filter: Partial<ListView>): string {
  return `/${viewSearch({ ...DEFAULT_VIEW, ...filter })}`;
}

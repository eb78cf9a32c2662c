import { describe, expect, it } from "vitest";
import { apiQuery, DEFAULT_VIEW, isFiltered, listHref, PAGE_SIZE, parseView, viewSearch } from "./filters";

describe("list view in the URL", () => {
  it("round-trips every field, leaving defaults out", () => {
    const view = {
      q: "authors",
      service: "blog api",
      endpoint: "GET /posts/:id",
      orm: "django",
      status: "regressed" as const,
      since: "7d",
      sort: "traces" as const,
      page: 3,
    };
    expect(parseView(new URLSearchParams(viewSearch(view)))).toEqual(view);
    expect(viewSearch(DEFAULT_VIEW)).toBe("");
    expect(viewSearch({ ...DEFAULT_VIEW, sort: "recent" })).toBe("?sort=recent");
  });

  it("falls back to defaults for unknown or malformed values", () => {
    expect(parseView(new URLSearchParams("status=bogus&sort=worst&page=-2&since=3y"))).toEqual(DEFAULT_VIEW);
    expect(parseView(new URLSearchParams("page=abc")).page).toBe(1);
  });

  it("tells whether anything narrows the list", () => {
    expect(isFiltered(DEFAULT_VIEW)).toBe(false);
    expect(isFiltered({ ...DEFAULT_VIEW, sort: "recent", page: 4 })).toBe(false);
    expect(isFiltered({ ...DEFAULT_VIEW, q: "  " })).toBe(false);
    expect(isFiltered({ ...DEFAULT_VIEW, status: "all" })).toBe(true);
  });

  it("builds the API query: statuses expanded, page to offset", () => {
    const params = new URLSearchParams(apiQuery({ ...DEFAULT_VIEW, q: " x ", page: 2, orm: "none" }));
    expect(Object.fromEntries(params)).toEqual({
      sort: "wasted",
      limit: String(PAGE_SIZE),
      offset: String(PAGE_SIZE),
      q: "x",
      orm: "none",
      status: "open,acknowledged,regressed",
    });
    expect(new URLSearchParams(apiQuery({ ...DEFAULT_VIEW, status: "all" })).has("status")).toBe(false);
  });

  it("links to the list narrowed to a service or endpoint", () => {
    expect(listHref({ service: "blog", endpoint: "GET /a&b" })).toBe("/?service=blog&endpoint=GET+%2Fa%26b");
    expect(listHref({})).toBe("/");
  });
});

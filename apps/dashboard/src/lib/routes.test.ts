import { describe, expect, it } from "vitest";
import { type AnchorInfo, type ClickInfo, interceptedPath, matchRoute, offenderPath } from "./routes";

describe("matchRoute", () => {
  it("maps paths to pages", () => {
    expect(matchRoute("/")).toEqual({ name: "offenders" });
    expect(matchRoute("")).toEqual({ name: "offenders" });
    expect(matchRoute("/overview")).toEqual({ name: "overview" });
    expect(matchRoute("/overview/")).toEqual({ name: "overview" });
    expect(matchRoute("/alerts")).toEqual({ name: "alerts" });
    expect(matchRoute("/findings/abc123")).toEqual({ name: "offender", id: "abc123" });
    expect(matchRoute("/findings/abc123/")).toEqual({ name: "offender", id: "abc123" });
    expect(matchRoute("/findings/a%20b")).toEqual({ name: "offender", id: "a b" });
    expect(matchRoute("/findings/%E0%A4%A")).toEqual({ name: "not_found" });
    expect(matchRoute("/findings")).toEqual({ name: "not_found" });
    expect(matchRoute("/nope")).toEqual({ name: "not_found" });
  });

  it("builds finding paths that round-trip", () => {
    expect(matchRoute(offenderPath("a/b c"))).toEqual({ name: "offender", id: "a/b c" });
  });
});

describe("interceptedPath", () => {
  const current = new URL("http://radar:3000/findings/x?y=1");
  const click: ClickInfo = {
    button: 0,
    metaKey: false,
    ctrlKey: false,
    shiftKey: false,
    altKey: false,
    defaultPrevented: false,
  };
  const anchor = (href: string, extra: Partial<AnchorInfo> = {}): AnchorInfo => ({
    href,
    target: "",
    download: false,
    rel: "",
    ...extra,
  });

  it("takes plain same-origin clicks", () => {
    expect(interceptedPath(click, anchor("http://radar:3000/findings/abc"), current)).toBe("/findings/abc");
    expect(interceptedPath(click, anchor("/?status=open"), current)).toBe("/?status=open");
  });

  it("leaves everything else to the browser", () => {
    const href = "http://radar:3000/";
    expect(interceptedPath({ ...click, metaKey: true }, anchor(href), current)).toBeNull();
    expect(interceptedPath({ ...click, ctrlKey: true }, anchor(href), current)).toBeNull();
    expect(interceptedPath({ ...click, button: 1 }, anchor(href), current)).toBeNull();
    expect(interceptedPath({ ...click, defaultPrevented: true }, anchor(href), current)).toBeNull();
    expect(interceptedPath(click, anchor(href, { target: "_blank" }), current)).toBeNull();
    expect(interceptedPath(click, anchor(href, { download: true }), current)).toBeNull();
    expect(interceptedPath(click, anchor(href, { rel: "noopener external" }), current)).toBeNull();
    expect(interceptedPath(click, anchor("https://opentelemetry.io/"), current)).toBeNull();
    expect(interceptedPath(click, anchor("http://radar:3000/api/findings"), current)).toBeNull();
    expect(interceptedPath(click, anchor("http://radar:3000/findings/x?y=1#spans"), current)).toBeNull();
  });
});

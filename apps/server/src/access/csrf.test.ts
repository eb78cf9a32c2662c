import { describe, expect, it } from "vitest";
import { forgeryProblem } from "./csrf.js";

const ORIGIN = "https://n1radar.example.com";
const check = (method: string, headers: Record<string, string>, requireJson = true) =>
  forgeryProblem({ method, origin: ORIGIN, header: (n) => headers[n], requireJson });

describe("forgeryProblem", () => {
  it("lets reads through whatever their origin", () => {
    expect(check("GET", { "sec-fetch-site": "cross-site" })).toBeNull();
    expect(check("HEAD", { origin: "https://evil.example" })).toBeNull();
  });

  it("lets same-origin JSON changes and header-less JSON scripts through", () => {
    const jsonType = { "content-type": "application/json" };
    expect(check("POST", { ...jsonType, "sec-fetch-site": "same-origin", origin: ORIGIN })).toBeNull();
    expect(check("DELETE", { ...jsonType, origin: ORIGIN })).toBeNull();
    expect(check("PUT", { "content-type": "Application/JSON; charset=utf-8" })).toBeNull();
    expect(check("POST", { "sec-fetch-site": "none", ...jsonType })).toBeNull();
  });

  it("refuses cross-site and same-site changes, other origins, and non-JSON bodies", () => {
    expect(check("POST", { "sec-fetch-site": "cross-site", "content-type": "application/json" })).toMatch(
      /cross-site/,
    );
    expect(check("PATCH", { "sec-fetch-site": "same-site", "content-type": "application/json" })).toMatch(
      /same-site/,
    );
    expect(check("POST", { origin: "https://evil.example", "content-type": "application/json" })).toMatch(
      /evil/,
    );
    expect(check("POST", { origin: "null", "content-type": "application/json" })).toMatch(/opaque/);
    expect(check("POST", { "content-type": "text/plain" })).toMatch(/application\/json/);
    expect(check("DELETE", {})).toMatch(/application\/json/);
  });

  it("lets the sign-in form post form data, from this origin only", () => {
    const form = { "content-type": "application/x-www-form-urlencoded" };
    expect(check("POST", { ...form, "sec-fetch-site": "same-origin" }, false)).toBeNull();
    expect(check("POST", { ...form, "sec-fetch-site": "cross-site" }, false)).toMatch(/cross-site/);
  });
});

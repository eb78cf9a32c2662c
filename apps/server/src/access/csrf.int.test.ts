/** Forged cross-site state changes are refused, with and without a token, and change nothing. */
import { describe, expect, it } from "vitest";
import { BEARER, build, firstOffender, json, send, TOKEN } from "../testing/access.js";
import { apiError } from "../testing/api.js";

describe("cross-site state changes", () => {
  // What a page on another site can make a browser send: a form post (urlencoded, or text/plain shaped into
  // JSON), with the browser's own Origin and Sec-Fetch-Site headers.
  const forgeries: [string, Record<string, string>, string][] = [
    [
      "form, Sec-Fetch-Site",
      {
        "content-type": "application/x-www-form-urlencoded",
        "sec-fetch-site": "cross-site",
        origin: "https://evil.example",
      },
      "status=resolved",
    ],
    [
      "text/plain JSON, Sec-Fetch-Site",
      { "content-type": "text/plain", "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      '{"status":"resolved","x":"="}',
    ],
    [
      "same-site sibling",
      {
        "content-type": "application/json",
        "sec-fetch-site": "same-site",
        origin: "https://other.n1radar.test",
      },
      '{"status":"resolved"}',
    ],
    [
      "Origin only (older browser)",
      { "content-type": "text/plain", origin: "https://evil.example" },
      '{"status":"resolved"}',
    ],
    ["opaque origin", { "content-type": "application/json", origin: "null" }, '{"status":"resolved"}'],
    ["no browser headers, not JSON", { "content-type": "text/plain" }, '{"status":"resolved"}'],
  ];

  for (const token of [null, TOKEN]) {
    it(`are refused ${token ? "with" : "without"} a token set, and change nothing`, async () => {
      const { app, store } = await build({ token });
      const id = await firstOffender(app);
      const auth = token ? BEARER : {};
      for (const [what, headers, body] of forgeries) {
        const res = await send(app, `/api/findings/${id}/status`, {
          method: "POST",
          headers: { ...headers, ...auth },
          body,
        });
        expect((await apiError(res, 403)).error.code, what).toBe("forbidden");
      }
      // The same for a deletion and for the sign-out form.
      const del = await send(app, "/api/ignore-rules/1", {
        method: "DELETE",
        headers: { "sec-fetch-site": "cross-site", ...auth },
      });
      expect(del.status).toBe(403);
      const out = await send(app, "/logout", { method: "POST", headers: { "sec-fetch-site": "cross-site" } });
      expect(out.status).toBe(403);
      expect((await store.getOffender(id))?.status).toBe("open");

      // The dashboard's own request, and a script's (no browser headers, JSON), go through.
      const own = await send(
        app,
        `/api/findings/${id}/status`,
        json({ status: "resolved" }, auth),
        "127.0.0.1",
      );
      expect(own.status).toBe(200);
      const script = await send(app, `/api/findings/${id}/status`, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", ...auth },
        body: '{"status":"open"}',
      });
      expect(script.status).toBe(200);
      const sameOrigin = await send(app, `/api/findings/${id}/status`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://localhost", ...auth },
        body: '{"status":"acknowledged"}',
      });
      expect(sameOrigin.status).toBe(200);
      expect((await store.getOffender(id))?.status).toBe("acknowledged");
    });
  }
});

/**
 * Access control in real Chromium: with N1_AUTH_TOKEN set, the dashboard sends a person to the sign-in page, the
 * form signs them in (HttpOnly cookie, so page script cannot read it) and they see the dashboard, then sign out.
 * A page on another site that auto-submits forms at the API changes nothing, with and without a token.
 */
import { createServer, type Server } from "node:http";
import { OffenderPageSchema } from "@n1radar/core/schemas";
import { dashboardDir } from "@n1radar/dashboard";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAccess } from "../access/access.js";
import { parseTrustedProxies } from "../access/proxies.js";
import { apiJson } from "../testing/api.js";
import { portOf } from "../testing/receivers.js";
import { startTestServer, type TestServer } from "../testing/server.js";
import { FakeService, launchChromium, openPage, TRACE_VIEWER } from "./harness.js";

const TOKEN = "browser-token-0123456789";

let browser: Browser;
let guarded: TestServer;
let open: TestServer;
let proxied: TestServer;

beforeAll(async () => {
  const loopback = parseTrustedProxies("127.0.0.1");
  if ("error" in loopback) throw new Error(loopback.error);
  [guarded, open, proxied, browser] = await Promise.all([
    startTestServer({
      dashboardDir,
      traceUrlTemplate: TRACE_VIEWER,
      access: { ...openAccess, token: TOKEN },
    }),
    startTestServer({ dashboardDir, traceUrlTemplate: TRACE_VIEWER }),
    // Chromium stands in for the proxy here: it connects from 127.0.0.1 and sends the user header itself.
    startTestServer({
      dashboardDir,
      access: { ...openAccess, proxyHeader: "x-forwarded-user", trustedProxies: loopback.proxies },
    }),
    launchChromium(),
  ]);
  for (const server of [guarded, open, proxied]) {
    const blog = new FakeService(server.otlpUrl, "blog-api");
    await blog.postsWithAuthors(8);
    await blog.shutdown();
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([guarded?.close(), open?.close(), proxied?.close()]);
});

async function offenderId(server: TestServer): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${server.apiUrl}/api/findings`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const { findings } = await apiJson(res, OffenderPageSchema);
    if (findings[0]) return findings[0].id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("no finding recorded");
}

describe("signing in", () => {
  it("sends a person to the sign-in page, then to the page they asked for; signing out in one tab signs out all", async () => {
    const { page, problems, context } = await openPage(browser);
    await page.goto(`${guarded.apiUrl}/overview`);
    await page.waitForURL(`${guarded.apiUrl}/login?next=%2Foverview`);
    await page.getByRole("heading", { name: "Sign in to n1radar" }).waitFor();

    await page.getByLabel("Access token").fill("not-the-token-0000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toBe("That access token is not right.");

    await page.getByLabel("Access token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${guarded.apiUrl}/overview`);
    await page.getByRole("link", { name: "GET /posts" }).first().waitFor({ timeout: 10_000 });
    const cookies = await context.cookies();
    expect(cookies).toEqual([
      expect.objectContaining({ name: "n1radar_session", httpOnly: true, sameSite: "Strict", secure: false }),
    ]);
    await expect(page.evaluate("document.cookie")).resolves.toBe("");

    // Signing out in a second tab: the first one's next request finds the session gone and goes to sign in,
    // then back to the page it was on.
    const other = await context.newPage();
    await other.goto(`${guarded.apiUrl}/alerts`);
    await other.getByRole("button", { name: "Sign out" }).click();
    await other.waitForURL(`${guarded.apiUrl}/login`);
    await page.getByRole("link", { name: "Offenders" }).click();
    await page.waitForURL(`${guarded.apiUrl}/login?next=%2F`);
    await page.getByLabel("Access token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${guarded.apiUrl}/`);
    await page.getByRole("row").filter({ hasText: "GET /posts" }).waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${guarded.apiUrl}/login`);
    await page.goto(`${guarded.apiUrl}/`);
    await page.waitForURL(/\/login\?next=/);
    // Chromium notes each refused request (the wrong token, the first tab's calls after sign-out) as a console
    // line; nothing else went wrong.
    expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    await context.close();
  });
});

describe("behind a sign-in proxy", () => {
  it("shows who resolved a finding and who created an ignore rule", async () => {
    const { page, problems, context } = await openPage(browser);
    await context.setExtraHTTPHeaders({ "x-forwarded-user": "ada@example.com" });
    await page.goto(`${proxied.apiUrl}/`);
    const row = page.getByRole("row").filter({ hasText: "GET /posts" });
    await row.getByRole("link", { name: "GET /posts" }).click();
    await expect(page.locator("header .user").textContent()).resolves.toBe("ada@example.com");
    await expect(page.getByRole("button", { name: "Sign out" }).count()).resolves.toBe(0);
    await page.getByRole("button", { name: "Mark resolved" }).click();
    const status = page.getByRole("region", { name: "Status" });
    await status.getByText(/Since .*, by ada@example\.com/).waitFor();

    await context.setExtraHTTPHeaders({ "x-forwarded-user": "grace@example.com" });
    await page.getByRole("button", { name: "Reopen" }).click();
    await page.getByRole("button", { name: "Ignore…" }).click();
    const dialog = page.getByRole("dialog", { name: "Ignore this N+1" });
    await dialog
      .getByRole("button", { name: /^Ignore/ })
      .last()
      .click();
    await status.getByText(/by grace@example\.com/).waitFor();
    await page.getByRole("link", { name: "Ignore rules" }).click();
    await page.getByRole("listitem", { name: /Rule/ }).getByText("by grace@example.com").waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("a page on another site", () => {
  let evil: Server;
  let evilUrl: string;
  let target = "";

  beforeAll(async () => {
    // Two forms, auto-submitted: urlencoded, and text/plain shaped into JSON (the classic trick).
    evil = createServer((req, res) => {
      res.setHeader("content-type", "text/html");
      // A plain link, as a chat alert carries one: following it must work for a signed-in person.
      if (req.url === "/link")
        return void res.end(`<!doctype html><a href="${guarded.apiUrl}/overview">open</a>`);
      res.end(`<!doctype html>
<iframe name="sinkA"></iframe><iframe name="sinkB"></iframe>
<form id="a" method="post" target="sinkA" action="${target}/status"><input name="status" value="resolved"></form>
<form id="b" method="post" target="sinkB" enctype="text/plain" action="${target}/ignore"><input name='{"scope":"endpoint","x":"' value='"}'></form>
<script>document.getElementById("a").submit(); document.getElementById("b").submit(); document.title = "sent";</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
    evilUrl = `http://localhost:${portOf(evil)}/`;
  });

  afterAll(() => new Promise<void>((resolve) => evil?.close(() => resolve())));

  it("can link to the dashboard: a signed-in person following the link lands on the page, not the sign-in", async () => {
    const { page, problems, context } = await openPage(browser);
    await page.goto(`${guarded.apiUrl}/login`);
    await page.getByLabel("Access token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${guarded.apiUrl}/`);
    await page.goto(`${evilUrl}link`);
    // The SameSite=Strict cookie is not sent on the cross-site navigation; the server answers with a page that
    // reloads the address from the dashboard's own origin, which carries it.
    await page.getByRole("link", { name: "open" }).click();
    await page.waitForURL(`${guarded.apiUrl}/overview`);
    await page.getByRole("heading", { name: "Overview" }).first().waitFor({ timeout: 10_000 });
    expect(page.url()).toBe(`${guarded.apiUrl}/overview`);
    expect(problems).toEqual([]);
    await context.close();
  });

  for (const which of ["without", "with"] as const) {
    it(`cannot resolve or ignore a finding by cross-site form posts, ${which} a token set`, async () => {
      const server = which === "with" ? guarded : open;
      const id = await offenderId(server);
      target = `${server.apiUrl}/api/findings/${id}`;
      const { page, context } = await openPage(browser);
      if (which === "with") {
        // Signed in on the dashboard in the same browser: the cookie is SameSite=Strict and the server refuses.
        await page.goto(`${server.apiUrl}/login`);
        await page.getByLabel("Access token").fill(TOKEN);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL(`${server.apiUrl}/`);
      }
      const posted: number[] = [];
      page.on("response", (r) => {
        if (r.request().method() === "POST") posted.push(r.status());
      });
      await page.goto(evilUrl);
      await page.waitForFunction("document.title === 'sent'");
      await expect.poll(() => posted.length, { timeout: 15_000 }).toBe(2);
      expect(posted).toEqual([403, 403]);
      expect((await server.store.getOffender(id))?.status).toBe("open");
      await context.close();
    });
  }
});

/**
 * The dashboard in a real browser (Debian's Chromium via playwright-core) against the real server: traces go
 * in through the OpenTelemetry SDK's OTLP/HTTP exporter, and the checks are on what a person sees. Every page
 * must finish without console errors, uncaught exceptions or dialogs.
 */

import { FindingAnswerSchema, IgnoreRuleListSchema } from "@n1radar/core/schemas";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiJson, getFindings } from "../testing/api.js";
import { eventually, type TestServer } from "../testing/server.js";
import {
  FakeService,
  launchChromium,
  openPage,
  screenshot,
  startDashboardServer,
  type WatchedPage,
} from "./harness.js";

let server: TestServer;
let browser: Browser;
let blog: FakeService;
const opened: (WatchedPage & { context: { close(): Promise<void> } })[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startDashboardServer(), launchChromium()]);
  blog = new FakeService(server.otlpUrl, "blog-api");
}, 60_000);

afterEach(async () => {
  // Close pages first: their event streams end cleanly instead of erroring when the server stops.
  const pages = opened.splice(0);
  for (const p of pages) await p.context.close();
  for (const p of pages) {
    expect(p.problems, "console errors").toEqual([]);
    expect(p.dialogs, "dialogs").toEqual([]);
  }
});

afterAll(async () => {
  await blog?.shutdown();
  await browser?.close();
  await server?.close();
});

async function open(options: Parameters<typeof openPage>[1] = {}) {
  const watched = await openPage(browser, options);
  opened.push(watched);
  return watched;
}

const STATEMENT = "SELECT id, name, email FROM authors WHERE id = ?";

describe("the dashboard", () => {
  it("shows how to send traces, then the N+1 live; list -> finding -> resolve -> regression", async () => {
    const { page } = await open();
    const url = (path: string) => `${server.apiUrl}${path}`;

    await page.goto(url("/"));
    await page.getByRole("heading", { name: "No N+1 queries found yet" }).waitFor();
    await expect(
      page.getByText("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318").isVisible(),
    ).resolves.toBe(true);
    // The empty state says what has arrived: nothing yet, then a clean request's spans (the wiring works).
    const ingest = page.getByRole("status", { name: "What has arrived" });
    await ingest.getByRole("heading", { name: "No spans received yet" }).waitFor();
    await screenshot(page, "empty-light");
    await blog.request("/about", ["SELECT id FROM pages WHERE slug = 'about'"]);
    await ingest
      .getByRole("heading", { name: "Receiving spans: the wiring works" })
      .waitFor({ timeout: 10_000 });
    const arrived = ingest.getByRole("row").filter({ hasText: "blog-api" });
    await expect(arrived.getByRole("cell").allTextContents()).resolves.toEqual([
      "blog-api",
      "2",
      "1",
      expect.stringMatching(/ago|now/),
    ]);

    // No reload: the row arrives over the live-update stream.
    await blog.postsWithAuthors(8);
    const row = page.getByRole("row").filter({ hasText: "GET /posts" });
    await row.waitFor({ timeout: 10_000 });
    // The row names the table and WHERE clause (the SQL cut at a width stops in the column list).
    await expect(row.locator("td.statement code").textContent()).resolves.toBe(
      "SELECT authors WHERE id = ? · Post.author",
    );
    await expect(row.locator("td.statement code").getAttribute("title")).resolves.toBe(STATEMENT);
    await expect(row.getByText("Open", { exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("row").filter({ hasText: "GET /about" }).count()).resolves.toBe(0);
    await expect(page.getByText("1–1 of 1").isVisible()).resolves.toBe(true);

    await row.getByRole("link", { name: "GET /posts" }).click();
    await page.waitForURL(/\/findings\/[0-9a-f]+$/);
    const id = new URL(page.url()).pathname.split("/").pop() as string;
    const { finding } = await apiJson(await fetch(url(`/api/findings/${id}`)), FindingAnswerSchema);
    await page.getByRole("heading", { name: "GET /posts", level: 1 }).waitFor();
    // What the fix saves a day at the traffic seen: one request in the last hour, 7 calls too many each.
    expect(finding.savings).toMatchObject({ requestsPerDay: 24, dbCallsPerDay: 168 });
    const saves = page.locator("dl.stats div", { hasText: "The fix saves a day" });
    await expect(saves.locator("dd").textContent()).resolves.toMatch(/^\s*168 calls\s/);
    await expect(
      page.locator("figure", { hasText: "Normalized SQL" }).first().textContent(),
    ).resolves.toContain("authors");
    // The fix sits beside the title, inside the first screen, with the key change in the ORM's words.
    const fixLine = page.getByLabel("The fix");
    await expect(fixLine.getByText(finding.guidance.summary).isVisible()).resolves.toBe(true);
    await expect(fixLine.locator("code").textContent()).resolves.toContain("joinedload(Post.author)");
    const h1 = await page.getByRole("heading", { name: "GET /posts", level: 1 }).boundingBox();
    const fix = await fixLine.boundingBox();
    expect(h1 && fix && fix.y - (h1.y + h1.height)).toBeLessThan(60);
    expect(fix && fix.y + fix.height).toBeLessThan(300);
    await expect(page.getByRole("heading", { name: "How to fix it" }).isVisible()).resolves.toBe(true);
    await expect(page.getByText(finding.guidance.summary).first().isVisible()).resolves.toBe(true);
    if (finding.guidance.after)
      await expect(page.getByRole("button", { name: "Copy after" }).isVisible()).resolves.toBe(true);
    await expect(page.locator(".waterfall li.hot").count()).resolves.toBe(8); // the repeats, highlighted
    // Rows are named by what they read (the spans are all named "SELECT"), the request span by its name.
    await expect(page.locator(".waterfall li .name").allTextContents()).resolves.toEqual([
      "GET /posts",
      "SELECT posts",
      ...Array.from({ length: 8 }, () => "SELECT authors WHERE id = ?"),
    ]);
    await expect(page.getByText("app/views/posts.py:42").isVisible()).resolves.toBe(true);
    const traceLink = page.getByRole("link", { name: /^[0-9a-f]{32}$/ }).first();
    await expect(traceLink.getAttribute("href")).resolves.toMatch(
      /^http:\/\/jaeger\.test\/trace\/[0-9a-f]{32}$/,
    );
    await expect(page.getByText(/1 occurrence in the last 24 hours/).isVisible()).resolves.toBe(true);

    await page.getByRole("button", { name: "Mark resolved" }).click();
    await page.getByText("Marked fixed.").waitFor();
    await expect(page.locator(".workflow .badge").textContent()).resolves.toBe("Resolved");

    // The same N+1 again, after the resolve: the open page turns it into a regression by itself.
    await blog.postsWithAuthors(9);
    await page.getByText("Seen again after it was marked resolved").waitFor({ timeout: 10_000 });
    await expect(page.locator(".workflow .badge").textContent()).resolves.toBe("Regressed");

    await page.getByRole("link", { name: "Offenders", exact: true }).click();
    const regressed = page.getByRole("row").filter({ hasText: "GET /posts" });
    await expect(regressed.getByText("Regressed").isVisible()).resolves.toBe(true);
  }, 60_000);

  it("keeps filters, sort and search in the URL across a reload, and works by keyboard", async () => {
    await blog.request("/feed", [
      "SELECT id FROM posts",
      ...Array.from({ length: 6 }, (_, i) => `SELECT count(*) FROM likes WHERE post_id = ${i}`),
    ]);
    await blog.postsWithAuthors(8); // GET /posts, which the search below must hide
    const { page } = await open();
    await page.goto(`${server.apiUrl}/?sort=traces`);
    await page.getByRole("row").filter({ hasText: "GET /feed" }).waitFor({ timeout: 10_000 });
    await page.getByRole("row").filter({ hasText: "GET /posts" }).waitFor({ timeout: 10_000 });

    await page.getByRole("searchbox").fill("likes");
    await page.waitForURL(/q=likes/);
    await page.getByLabel("Status", { exact: true }).selectOption("all");
    await page.waitForURL(/status=all/);
    await page.getByLabel("Service", { exact: true }).selectOption("blog-api");
    await page.waitForURL(/service=blog-api/);
    await expect(page.getByRole("row").filter({ hasText: "GET /posts" }).count()).resolves.toBe(0);

    await page.reload();
    const feed = page.getByRole("row").filter({ hasText: "GET /feed" });
    await feed.waitFor();
    await expect(page.getByRole("searchbox").inputValue()).resolves.toBe("likes");
    await expect(page.getByLabel("Status", { exact: true }).inputValue()).resolves.toBe("all");
    await expect(page.getByLabel("Service", { exact: true }).inputValue()).resolves.toBe("blog-api");
    await expect(page.getByRole("radio", { name: "Traces" }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole("row").count()).resolves.toBe(2); // header + GET /feed

    // Keyboard only: Tab from the search box through the controls to the row, Enter opens it.
    await page.getByRole("searchbox").focus();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      if (await feed.getByRole("link").evaluate((a) => a.ownerDocument.activeElement === a)) break;
    }
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/findings\//);
    await page.getByRole("heading", { name: "GET /feed", level: 1 }).waitFor();

    // The same count query on another endpoint: a rule for "this query, on any endpoint" would take it along.
    await blog.request("/popular", [
      "SELECT id FROM posts",
      ...Array.from({ length: 6 }, (_, i) => `SELECT count(*) FROM likes WHERE post_id = ${i}`),
    ]);
    // The dialog reads the coverage when it opens: wait until the new offender is stored (TRACE_GRACE_MS + a flush).
    await eventually(async () => {
      const body = await getFindings(server.apiUrl, `?endpoint=${encodeURIComponent("GET /popular")}`);
      return body.findings.length === 1 ? true : undefined;
    });
    await page.getByRole("button", { name: "Ignore…" }).click();
    const dialog = page.getByRole("dialog", { name: "Ignore this N+1" });
    // The dialog says what each rule would cover before anything is created.
    const byQuery = dialog.locator("label").filter({ hasText: "This query" });
    await byQuery.getByText("Covers 2 offenders, not only this one:").waitFor({ timeout: 10_000 });
    const covered = await byQuery.getByRole("listitem").allTextContents();
    expect(covered.map((line) => line.split(" · ")[0]).sort()).toEqual([
      "GET /feed (this one)",
      "GET /popular",
    ]);
    const byEndpoint = dialog.locator("label").filter({ hasText: "Every repeated query" });
    await expect(byEndpoint.getByText("Covers 1 offender:").isVisible()).resolves.toBe(true);
    await expect(dialog.getByRole("button", { name: "Ignore 2 offenders" }).isVisible()).resolves.toBe(true);
    await dialog.getByRole("radio", { name: /Every repeated query/ }).check();
    await dialog.getByRole("textbox").fill("counts are cached in production");
    await dialog.getByRole("button", { name: "Ignore 1 offender" }).click();
    await page.getByText("An ignore rule drops new occurrences").waitFor();
    const rules = await apiJson(await fetch(`${server.apiUrl}/api/ignore-rules`), IgnoreRuleListSchema);
    expect(rules.rules).toEqual([
      expect.objectContaining({
        endpoint: "GET /feed",
        statement: null,
        reason: "counts are cached in production",
        covers: 1,
      }),
    ]);
    // The rules page, from the header: what the rule matches, why, what it covers; deleting it reopens.
    await page.getByRole("link", { name: "Ignore rules", exact: true }).click();
    const rule = page
      .getByRole("listitem")
      .filter({ hasText: "Every repeated query of GET /feed of blog-api" });
    await rule.waitFor();
    await expect(rule.getByText("“counts are cached in production”").isVisible()).resolves.toBe(true);
    await expect(rule.getByText("covers 1 offender").isVisible()).resolves.toBe(true);
    await rule.getByRole("button", { name: "Delete rule" }).click();
    await page.getByText("Rule deleted; 1 offender reopened.").waitFor();
    await page.getByRole("heading", { name: "No ignore rules" }).waitFor();
    await page.goBack();
    await page.getByRole("heading", { name: "GET /feed", level: 1 }).waitFor();
    await page.getByText("Nobody has triaged this yet.").waitFor();
  }, 45_000);

  it("gives the overview a time range, leading with the time wasted still to fix", async () => {
    await blog.postsWithAuthors(8);
    const { page } = await open();
    await page.goto(`${server.apiUrl}/overview?range=24h`);
    const totals = page.locator("dl.totals");
    await totals.getByText("Time wasted, still to fix").waitFor({ timeout: 10_000 });
    await expect(totals.locator("dd.sub").textContent()).resolves.toMatch(
      /in the last 24 hours, resolved included/,
    );
    await page.getByLabel("Time range").selectOption("all");
    await page.waitForURL(/range=all/);
    await expect(totals.locator("dd.sub").textContent()).resolves.toMatch(/ in all, resolved included/);
  }, 30_000);

  it("renders hostile span text as text: no markup, no script, no dialog", async () => {
    const hostile = "<img src=x onerror=alert(1)>";
    await blog.request(`/x/${hostile}`, [
      "SELECT id FROM widgets",
      ...Array.from({ length: 6 }, (_, i) => `SELECT "${hostile}" FROM parts WHERE widget_id = ${i}`),
    ]);
    const { page, dialogs } = await open();
    await page.goto(`${server.apiUrl}/?q=${encodeURIComponent("onerror")}&status=all`);
    const row = page.getByRole("row").filter({ hasText: hostile });
    await row.waitFor({ timeout: 10_000 });
    await expect(row.getByRole("link").textContent()).resolves.toBe(`GET /x/${hostile}`);
    await row.getByRole("link").click();
    await page.getByRole("heading", { name: `GET /x/${hostile}`, level: 1 }).waitFor();
    await expect(page.locator("pre", { hasText: hostile }).first().isVisible()).resolves.toBe(true);
    await page.getByRole("link", { name: "Overview", exact: true }).click();
    await page.getByRole("link", { name: `GET /x/${hostile}` }).waitFor();
    await expect(page.locator("img").count()).resolves.toBe(0);
    expect(dialogs).toEqual([]);
  }, 30_000);
});

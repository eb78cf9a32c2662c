/**
 * "Why was this flagged" on a finding's page, in a real browser against the real server: one request with an N+1,
 * a short loop and a pagination loop (and hostile text in a statement) goes in through the OpenTelemetry SDK, and
 * the finding's page lists each group with the verdict the server's detector gives it.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "../testing/server.js";
import { FakeService, launchChromium, openPage, startDashboardServer } from "./harness.js";

let server: TestServer;
let browser: Browser;
let shop: FakeService;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDashboardServer(), launchChromium()]);
  shop = new FakeService(server.otlpUrl, "shop-api");
}, 60_000);

afterAll(async () => {
  await shop?.shutdown();
  await browser?.close();
  await server?.close();
});

const HOSTILE = "<img src=x onerror=alert(1)>";

describe("explain on the finding's page", () => {
  it("lists every repeated group of the sample with its verdict and the threshold that would change it", async () => {
    await shop.request("/orders", [
      ...Array.from(
        { length: 6 },
        (_, p) => `SELECT id, customer_id FROM orders ORDER BY id LIMIT 50 OFFSET ${p * 50}`,
      ),
      ...Array.from({ length: 7 }, (_, i) => `SELECT id, name FROM customers WHERE id = ${i + 1}`),
      ...Array.from({ length: 3 }, (_, i) => `SELECT "${HOSTILE}" FROM tags WHERE order_id = ${i + 1}`),
    ]);
    const { page, problems, dialogs, context } = await openPage(browser);
    try {
      await page.goto(`${server.apiUrl}/?q=customers`);
      const link = page.getByRole("row").filter({ hasText: "GET /orders" }).getByRole("link");
      await link.first().waitFor({ timeout: 10_000 });
      await link.first().click();
      const panel = page.getByRole("region", { name: "Why was this flagged?" });
      const rows = panel.getByRole("row");
      await rows.nth(3).waitFor({ timeout: 10_000 });
      const cells = await rows.evaluateAll((trs) =>
        trs
          .slice(1)
          .map((tr) => [...tr.querySelectorAll("td")].slice(0, 3).map((td) => td.textContent?.trim() ?? "")),
      );
      expect(cells.map(([verdict, calls]) => [verdict, calls])).toEqual([
        ["Reported", "7"],
        ["Pagination", "6"],
        ["Short loop", "3"],
      ]);
      expect(cells[0]?.[2]).toContain("SELECT id, name FROM customers WHERE id = ?");
      expect(cells[0]?.[2]).toContain("this finding");
      expect(cells[1]?.[2]).toContain("LIMIT ? OFFSET ?");
      // The hostile statement is text in the table, never markup.
      expect(cells[2]?.[2]).toContain(HOSTILE);
      await expect(panel.locator("img").count()).resolves.toBe(0);
      await expect(rows.nth(3).textContent()).resolves.toContain(
        "set minRepeats (N1_MIN_REPEATS) to 3 to report it",
      );
      await expect(rows.nth(2).textContent()).resolves.toContain("pages of one result (LIMIT/OFFSET shape)");
    } finally {
      await context.close();
    }
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
  }, 40_000);
});

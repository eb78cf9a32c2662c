/**
 * Screenshots of the main pages with realistic data (three services, several ORMs, a nested N+1, a day of
 * history, a regression), light and dark, laptop and phone, into apps/dashboard/screenshots/. Each page is
 * also checked for console errors, and for content wider than the phone screen.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFindings } from "../testing/api.js";
import { eventually, type TestServer } from "../testing/server.js";
import { FakeService, launchChromium, openPage, screenshot, startDashboardServer } from "./harness.js";

let server: TestServer;
let browser: Browser;
const services: FakeService[] = [];
const HOUR = 3_600_000;

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function seed(): Promise<void> {
  const blog = new FakeService(server.otlpUrl, "blog-api");
  const shop = new FakeService(server.otlpUrl, "shop", "active_record", "ruby");
  const orders = new FakeService(server.otlpUrl, "orders", "@prisma/instrumentation", "nodejs");
  services.push(blog, shop, orders);
  const now = Date.now();
  // Sent one by one: the exporter refuses more than a few dozen exports in flight.
  const sends: (() => Promise<void>)[] = [];
  // A day of traffic with a daily shape, so sparklines and the occurrences chart have something to show.
  for (let h = 23; h >= 0; h--) {
    const at = now - h * HOUR - 60_000;
    const load = 1 + Math.round(2 + 2 * Math.sin(h / 3));
    for (let k = 0; k < load; k++) sends.push(() => blog.postsWithAuthors(10 + ((h + k) % 9), at + k * 1000));
    if (h % 2 === 0)
      sends.push(() =>
        shop.request(
          "/orders",
          [
            "SELECT * FROM orders WHERE user_id = 7",
            ...range(14).map((i) => `SELECT * FROM line_items WHERE order_id = ${i}`),
          ],
          { at, queryMs: 3.2 },
        ),
      );
  }
  // A nested loop: posts -> comments of each post -> author of each comment (1+N+N²).
  const nested = ["SELECT id, title FROM posts WHERE blog_id = 3"];
  for (const post of range(5)) {
    nested.push(`SELECT id, body, author_id FROM comments WHERE post_id = ${post}`);
    for (const c of range(4)) nested.push(`SELECT id, name FROM users WHERE id = ${post * 10 + c}`);
  }
  sends.push(
    () => blog.request("/posts/:id", nested, { at: now - 2 * HOUR }),
    () =>
      shop.request("/cart", [
        "SELECT * FROM carts WHERE id = 2",
        ...range(7).map((i) => `SELECT * FROM products WHERE id = ${i}`),
      ]),
    () =>
      orders.request(
        "/checkout",
        [...range(12).map((i) => `INSERT INTO order_items (order_id, sku) VALUES (9, ${i})`)],
        {
          method: "POST",
        },
      ),
    () =>
      orders.request("/orders/:id", [
        "SELECT * FROM orders WHERE id = 4",
        ...range(6).map((i) => `SELECT * FROM shipments WHERE order_id = ${i}`),
      ]),
  );
  for (const send of sends) await send();
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startDashboardServer(), launchChromium()]);
  await seed();
  const all = await eventually(async () => {
    const page = await getFindings(server.apiUrl);
    return page.findings.length >= 6 ? page.findings : undefined;
  }, 15_000);
  // Triage a little, so the list shows each status: one acknowledged, one resolved then seen again.
  const post = (id: string, status: string) =>
    fetch(`${server.apiUrl}/api/findings/${id}/status`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status }),
    });
  const cart = all.find((f) => f.endpoint === "GET /cart");
  const orders = all.find((f) => f.endpoint === "GET /orders/:id");
  if (cart) await post(cart.id, "acknowledged");
  if (orders) {
    await post(orders.id, "resolved");
    await services[2]?.request("/orders/:id", [
      "SELECT * FROM orders WHERE id = 4",
      ...range(6).map((i) => `SELECT * FROM shipments WHERE order_id = ${i}`),
    ]);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(services.map((s) => s.shutdown()));
  await browser?.close();
  await server?.close();
});

const LAYOUTS = [
  { name: "light", colorScheme: "light" as const },
  { name: "dark", colorScheme: "dark" as const },
  { name: "phone-light", colorScheme: "light" as const, width: 390, height: 844, mobile: true },
  { name: "phone-dark", colorScheme: "dark" as const, width: 390, height: 844, mobile: true },
];

describe("screenshots", () => {
  it.each(LAYOUTS)(
    "list, finding and overview: $name",
    async (layout) => {
      const { page, problems, dialogs, context } = await openPage(browser, layout);
      const base = server.apiUrl;

      await page.goto(`${base}/`);
      await page.getByRole("row").filter({ hasText: "GET /posts" }).first().waitFor({ timeout: 10_000 });
      await page.locator(".badge", { hasText: "Regressed" }).first().waitFor({ timeout: 10_000 });
      await screenshot(page, `list-${layout.name}`);
      // A string, evaluated in the page: this file is compiled without the DOM's types. Measured against the
      // intended width: a phone browser widens its layout viewport to fit overflowing content.
      const overflow = async () =>
        (await page.evaluate<number>("document.documentElement.scrollWidth")) - (layout.width ?? 1280);
      expect(await overflow(), "list wider than the screen").toBeLessThanOrEqual(0);

      await page.getByRole("link", { name: "GET /posts", exact: true }).first().click();
      await page.getByRole("heading", { name: "How to fix it" }).waitFor();
      await page.getByText(/occurrences in the last/).waitFor();
      await screenshot(page, `finding-${layout.name}`);
      expect(await overflow(), "finding wider than the screen").toBeLessThanOrEqual(0);

      await page.goto(`${base}/overview`);
      await page.getByRole("heading", { name: "blog-api" }).waitFor();
      await screenshot(page, `overview-${layout.name}`);
      expect(await overflow(), "overview wider than the screen").toBeLessThanOrEqual(0);

      if (layout.name === "light") {
        const nested = await getFindings(base, "?q=users");
        const id = nested.findings[0]?.id;
        if (id) {
          await page.goto(`${base}/findings/${id}`);
          await page.getByRole("heading", { name: "How to fix it" }).waitFor();
          await screenshot(page, "finding-nested-light");
        }
      }

      await context.close();
      expect(problems).toEqual([]);
      expect(dialogs).toEqual([]);
    },
    30_000,
  );
});

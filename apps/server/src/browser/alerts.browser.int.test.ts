/**
 * The Alerts page in a real browser against the real server: an env destination shown read-only, a Slack
 * destination added through the form, tested (the platform's answer shown) and edited, and a dead letter (the
 * receiver failed the only try) listed with its error and re-sent.
 */
import { dashboardDir } from "@n1radar/dashboard";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config.js";
import { type PlatformReceiver, startPlatform } from "../testing/platforms.js";
import { eventually, startTestServer, type TestServer } from "../testing/server.js";
import { FakeService, launchChromium, openPage } from "./harness.js";

let server: TestServer;
let browser: Browser;
let env: PlatformReceiver;
let added: PlatformReceiver;
let blog: FakeService;

beforeAll(async () => {
  [env, added] = await Promise.all([startPlatform("mattermost"), startPlatform("slack")]);
  env.script.push("fail");
  const config = parseConfig({
    ALERT_DESTINATIONS: JSON.stringify([{ name: "ops-mattermost", type: "mattermost", url: env.url }]),
    ALERT_ALLOW_PRIVATE_URLS: "true",
    ALERT_MAX_ATTEMPTS: "1",
    ALERT_GROUP_WAIT_MS: "100",
  });
  [server, browser] = await Promise.all([
    startTestServer({ dashboardDir, alerts: config.alerts }),
    launchChromium(),
  ]);
  blog = new FakeService(server.otlpUrl, "blog-api");
}, 60_000);

afterAll(async () => {
  await blog?.shutdown();
  await browser?.close();
  await server?.close();
  await Promise.all([env?.close(), added?.close()]);
});

describe("the Alerts page", () => {
  it("adds, tests and edits a destination, shows env ones read-only, and re-sends a dead letter", async () => {
    const { page, problems, dialogs, context } = await openPage(browser);
    await page.goto(`${server.apiUrl}/alerts`);
    const envRow = page.locator('li[data-name="ops-mattermost"]');
    await envRow.waitFor();
    expect(await envRow.getByText("environment").isVisible()).toBe(true);
    expect(await envRow.getByRole("button", { name: "Delete" }).count()).toBe(0);
    expect(await envRow.locator("code").textContent()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…$/);

    await page.getByLabel("Name").fill("team-slack");
    await page.getByLabel("Platform").selectOption("slack");
    await page.getByLabel("Webhook URL").fill(added.url);
    await page.getByRole("button", { name: "Add destination" }).click();
    const row = page.locator('li[data-name="team-slack"]');
    await row.waitFor();
    expect(await row.getByRole("button", { name: "Delete" }).count()).toBe(1); // env rows have none (above)
    await row.getByRole("button", { name: "Send test" }).click();
    await row.getByText("Delivered (HTTP 200):").waitFor();
    expect(added.received.at(-1)!.json).toMatchObject({ text: "Test message from n1radar" });

    // Edit: a new name and a bar; the URL field left empty keeps the stored URL.
    await row.getByRole("button", { name: "Edit" }).click();
    await page.getByRole("heading", { name: "Edit team-slack" }).waitFor();
    await page.getByLabel("Name").fill("team-slack-big");
    await page.getByLabel("Min repeats per request").fill("10");
    await page.getByRole("button", { name: "Save changes" }).click();
    const renamed = page.locator('li[data-name="team-slack-big"]');
    await renamed.waitFor();
    await renamed.getByRole("button", { name: "Send test" }).click();
    await renamed.getByText("Delivered (HTTP 200):").waitFor();
    expect(added.received).toHaveLength(2);

    // The mattermost receiver fails the only try: a dead letter.
    await blog.postsWithAuthors(8);
    await eventually(async () => (env.received.length === 1 ? true : undefined), 10_000);
    await page.reload();
    const letter = page.locator("table tbody tr").filter({ hasText: "ops-mattermost" });
    await letter.waitFor();
    expect(await letter.textContent()).toContain("HTTP 500: internal_error");
    await letter.getByRole("button", { name: "Re-send" }).click();
    await eventually(async () => (env.received.length === 2 ? true : undefined), 10_000);
    expect(env.received[1]!.body).toBe(env.received[0]!.body);
    await page.reload();
    await page.getByText("None: every alert was delivered").waitFor();

    await context.close();
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});

/**
 * What the browser tests share: the real server (createApp, a real SQLite file, the built dashboard) on
 * ephemeral loopback ports, Debian's Chromium driven by playwright-core, traces sent with the real OpenTelemetry
 * SDK and its OTLP/HTTP exporter, and a record of every console error, CSP violation and dialog a page produces.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dashboardDir } from "@n1radar/dashboard";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { startTestServer, type TestServer } from "../testing/server.js";

export const TRACE_VIEWER = "http://jaeger.test/trace/{traceId}";
export const SCREENSHOTS = fileURLToPath(new URL("../../../dashboard/screenshots/", import.meta.url));

/** Debian's Chromium: the tests never download a browser. The flags keep it off this machine's closed network. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  if (!existsSync(executablePath))
    throw new Error(
      `Chromium not found at ${executablePath}: apt-get install chromium, or set CHROMIUM_PATH`,
    );
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function startDashboardServer(): Promise<TestServer> {
  if (!existsSync(join(dashboardDir, "index.html")))
    throw new Error(`the dashboard is not built (${dashboardDir}): run npm run build`);
  return startTestServer({ dashboardDir, traceUrlTemplate: TRACE_VIEWER });
}

/** A page whose console errors, uncaught exceptions and dialogs (alert()) are recorded, not lost. */
export interface WatchedPage {
  page: Page;
  problems: string[];
  dialogs: string[];
}

export async function openPage(
  browser: Browser,
  options: { colorScheme?: "light" | "dark"; width?: number; height?: number; mobile?: boolean } = {},
): Promise<WatchedPage & { context: BrowserContext }> {
  const ctx = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
    colorScheme: options.colorScheme ?? "light",
    isMobile: options.mobile ?? false,
    hasTouch: options.mobile ?? false,
    deviceScaleFactor: options.mobile ? 2 : 1,
  });
  // Every Content-Security-Policy violation becomes a console error, so each test's "no console errors" check
  // also proves the dashboard runs under the server's CSP.
  await ctx.addInitScript(
    `document.addEventListener("securitypolicyviolation", (e) => console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI));`,
  );
  const page = await ctx.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { page, problems, dialogs, context: ctx };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** An instrumented service: sends each request's spans through the real OTLP/HTTP exporter. */
export class FakeService {
  private readonly provider: BasicTracerProvider;

  /** The scope name (and language) is what tells n1radar the ORM; SQLAlchemy's by default. */
  constructor(
    otlpUrl: string,
    service: string,
    private readonly scope = "opentelemetry.instrumentation.sqlalchemy",
    language = "python",
  ) {
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ "service.name": service, "telemetry.sdk.language": language }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${otlpUrl}/v1/traces` }))],
    });
  }

  /**
   * One request to `route` running `queries` one after another, each a CLIENT span under the SERVER span.
   * `at` backdates the request (ms since epoch), so a test can lay out a history; `queryMs` is each query's time.
   */
  async request(
    route: string,
    queries: string[],
    options: { at?: number; method?: string; queryMs?: number } = {},
  ): Promise<void> {
    const tracer = this.provider.getTracer(this.scope);
    const method = options.method ?? "GET";
    const start = options.at ?? Date.now();
    const queryMs = options.queryMs ?? 1.5;
    const root = tracer.startSpan(`${method} ${route}`, {
      kind: SpanKind.SERVER,
      startTime: start,
      attributes: { "http.request.method": method, "http.route": route },
    });
    const ctx = trace.setSpan(context.active(), root);
    let t = start + 2;
    for (const sql of queries) {
      const span = tracer.startSpan(
        sql.split(" ")[0] ?? "query",
        {
          kind: SpanKind.CLIENT,
          startTime: t,
          attributes: {
            "db.system.name": "postgresql",
            "db.query.text": sql,
            "code.function.name": "list_posts",
            "code.file.path": "app/views/posts.py",
            "code.line.number": 42,
          },
        },
        ctx,
      );
      t += queryMs * (0.8 + Math.random() * 0.4);
      span.end(t);
      t += 0.2;
    }
    root.end(t + 3);
    await this.provider.forceFlush();
  }

  /** The classic 1+N: posts, then the author of each post. */
  async postsWithAuthors(repeats = 8, at?: number): Promise<void> {
    await this.request(
      "/posts",
      [
        "SELECT id, title, author_id FROM posts ORDER BY created_at DESC LIMIT 20",
        ...Array.from(
          { length: repeats },
          (_, i) => `SELECT id, name, email FROM authors WHERE id = ${i + 1}`,
        ),
      ],
      { at },
    );
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

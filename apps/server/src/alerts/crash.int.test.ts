/**
 * kill -9 loses no alert: the real server process (dist/main.js) is killed once while alert events wait in the
 * outbox, and once while a delivery is in flight (the receiver holds the request open); after each restart the
 * alert is delivered, the second time under the same webhook-id and body, with a valid signature.
 * Ports 14710-14712 (fixed: the process is configured by environment, as users run it).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSecret } from "@n1radar/alerts";
import { DeliveryListSchema } from "@n1radar/core/schemas";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiJson, getFindings } from "../testing/api.js";
import { type PlatformReceiver, startPlatform } from "../testing/platforms.js";
import { eventually } from "../testing/server.js";
import { startTraffic } from "../testing/traffic.js";

const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const API = "http://127.0.0.1:14710";
const secret = generateSecret();
let dir: string;
let receiver: PlatformReceiver;
let child: ChildProcess | null = null;

async function start(groupWaitMs: number): Promise<void> {
  child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: "14710",
      OTLP_HTTP_PORT: "14711",
      OTLP_GRPC_PORT: "14712",
      DATABASE_URL: join(dir, "n1radar.db"),
      TRACE_IDLE_MS: "200",
      FLUSH_INTERVAL_MS: "100",
      ALERT_DESTINATIONS: JSON.stringify([{ name: "hook", type: "webhook", url: receiver.url, secret }]),
      ALERT_ALLOW_PRIVATE_URLS: "true",
      ALERT_GROUP_WAIT_MS: String(groupWaitMs),
      ALERT_TIMEOUT_MS: "60000",
    },
    stdio: "ignore",
  });
  const up = () =>
    fetch(`${API}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
  await eventually(async () => ((await up()) ? true : undefined), 20_000);
}

async function kill9(): Promise<void> {
  const c = child!;
  child = null;
  const exited = new Promise((resolve) => c.once("exit", resolve));
  c.kill("SIGKILL");
  await exited;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "n1radar-crash-"));
  receiver = await startPlatform("webhook");
});

afterAll(async () => {
  if (child) await kill9();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("kill -9", () => {
  it("keeps alert events written with the offender, and delivers them after a restart", async () => {
    await start(60_000); // events wait in the outbox for a minute: the kill comes first
    const traffic = startTraffic("http://127.0.0.1:14711");
    traffic.request("/posts", 8);
    await traffic.shutdown();
    await eventually(async () => {
      const body = await getFindings(API);
      return body.findings.length === 1 ? true : undefined;
    });
    await kill9();
    expect(receiver.received).toHaveLength(0);

    receiver.script.push("hang"); // the first delivery is held open, then the process dies mid-delivery
    await start(100);
    await eventually(async () => (receiver.received.length === 1 ? true : undefined), 15_000);
    await kill9();

    await start(100);
    const [first, second] = await eventually(
      async () => (receiver.received.length >= 2 ? receiver.received : undefined),
      15_000,
    );
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(second!.body).toBe(first!.body);
    expect(new Webhook(secret).verify(second!.body, second!.headers as Record<string, string>)).toMatchObject(
      {
        type: "n1radar.offender.new",
        data: { offender: { endpoint: "GET /posts", repeats: 8 } },
      },
    );
    await eventually(async () => {
      const body = await apiJson(await fetch(`${API}/api/alerts/deliveries?status=sent`), DeliveryListSchema);
      return body.deliveries.length === 1 ? true : undefined;
    });
    expect(receiver.received).toHaveLength(2);
  });
});

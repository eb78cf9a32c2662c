/**
 * Test-only: local HTTP receivers that answer like each chat platform's webhook (Slack `ok`, Discord 204 with its
 * rate-limit headers, Teams Workflows 202, ...), and can be told to answer 429 with a wait, fail with 500, answer
 * 404, or hang past the client's timeout. Every request is recorded with its time, headers and body.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { DestinationType } from "@n1radar/alerts";

export type Behaviour = "accept" | "rate-limit" | "fail" | "gone" | "hang" | "redirect";

export interface ReceivedRequest {
  at: number;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: unknown;
}

export interface PlatformReceiver {
  type: DestinationType;
  url: string;
  received: ReceivedRequest[];
  /** Answers for the next requests, in order; `accept` once they run out. */
  script: Behaviour[];
  close(): Promise<void>;
}

function accept(type: DestinationType, res: ServerResponse): void {
  if (type === "discord") {
    res.writeHead(204, {
      "x-ratelimit-limit": "5",
      "x-ratelimit-remaining": "4",
      "x-ratelimit-reset-after": "2",
    });
    res.end();
  } else if (type === "teams") {
    res.writeHead(202).end();
  } else if (type === "googlechat") {
    res.writeHead(200, { "content-type": "application/json" }).end('{"name":"spaces/AAA/messages/BBB"}');
  } else {
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  }
}

function rateLimit(type: DestinationType, res: ServerResponse, seconds: number): void {
  if (type === "discord") {
    // Discord: the JSON body and its headers carry the wait (seconds, fractional).
    res.writeHead(429, {
      "content-type": "application/json",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset-after": String(seconds),
    });
    res.end(JSON.stringify({ message: "You are being rate limited.", retry_after: seconds, global: false }));
  } else {
    res.writeHead(429, { "retry-after": String(seconds), "content-type": "text/plain" }).end("rate_limited");
  }
}

export async function startPlatform(
  type: DestinationType,
  retryAfterSeconds = 1,
  host = "127.0.0.1",
): Promise<PlatformReceiver> {
  const received: ReceivedRequest[] = [];
  const script: Behaviour[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {}
      received.push({ at: Date.now(), path: req.url ?? "", headers: req.headers, body, json });
      const behaviour = script.shift() ?? "accept";
      if (behaviour === "accept") accept(type, res);
      else if (behaviour === "rate-limit") rateLimit(type, res, retryAfterSeconds);
      else if (behaviour === "fail") res.writeHead(500).end("internal_error");
      else if (behaviour === "gone") res.writeHead(404).end("no_service");
      else if (behaviour === "redirect")
        res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
      else hanging.push(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    type,
    url: `http://${host}:${port}/hooks/${type}/T000/B000/secret-token`,
    received,
    script,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

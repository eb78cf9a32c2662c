/**
 * Uploads that stall: they must neither starve other senders nor hold memory for long, over either transport.
 * Clients are told apart by address, so each test client binds its own loopback address (127.0.0.x: Linux
 * routes the whole 127/8 block to the loopback interface).
 */
import { request as httpRequest } from "node:http";
import { type ClientHttp2Session, type ClientHttp2Stream, connect as http2Connect } from "node:http2";
import { connect as netConnect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { nPlusOneSpans, protobufOf } from "./testing/payloads.js";
import { startTestReceivers, type TestReceivers } from "./testing/receivers.js";
import { eventually } from "./testing/server.js";

const LIMIT = 1024 * 1024; // MAX_BODY_BYTES here; the upload budget is 4x, one client's share 2x
let receivers: TestReceivers | undefined;
const cleanups: (() => void)[] = [];

afterEach(async () => {
  for (const clean of cleanups.splice(0)) clean();
  await receivers?.close();
  receivers = undefined;
});

/**
 * An OTLP/HTTP upload from the loopback address `from` that declares `declared` bytes and sends `body`; unless
 * `complete`, it stalls there. Resolves the response's status (-1 if the connection failed).
 */
function upload(from: string, declared: number, body: Uint8Array, complete: boolean): Promise<number> {
  const url = new URL(receivers!.httpUrl);
  return new Promise((resolve) => {
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      localAddress: from,
      method: "POST",
      path: "/v1/traces",
      headers: { "content-type": "application/x-protobuf", "content-length": declared },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(-1));
    if (complete) req.end(body);
    else {
      req.write(body);
      cleanups.push(() => req.destroy());
    }
  });
}

const stalledUpload = (from: string, declared: number, sent: number) =>
  upload(from, declared, Buffer.alloc(sent), false);
const postFrom = (from: string, body: Uint8Array) => upload(from, body.length, body, true);

const settled = () => new Promise((r) => setTimeout(r, 200));

describe("OTLP/HTTP", () => {
  it("keeps one stalled client to its share of the upload budget, so another still gets 200", async () => {
    receivers = await startTestReceivers({ maxBodyBytes: LIMIT });
    const statuses: Promise<number>[] = [];
    for (let i = 0; i < 4; i++) statuses.push(stalledUpload("127.0.0.2", LIMIT, LIMIT - 1));
    await settled();
    // Two stalled uploads fill the client's share (2x the limit); the next two are refused at once.
    expect(receivers.uploads.heldBy("127.0.0.2")).toBe(2 * (LIMIT - 1));
    expect((await Promise.all([statuses[2], statuses[3]])).sort()).toEqual([503, 503]);
    expect(await postFrom("127.0.0.3", protobufOf(nPlusOneSpans()))).toBe(200);
  });

  it("ends an upload that stalls past UPLOAD_TIMEOUT_MS with 408, giving its bytes back", async () => {
    receivers = await startTestReceivers({ maxBodyBytes: LIMIT, uploadTimeoutMs: 300 });
    const status = stalledUpload("127.0.0.4", LIMIT, 1000);
    await settled();
    expect(receivers.uploads.heldBy("127.0.0.4")).toBe(1000);
    expect(await status).toBe(408);
    expect(receivers.uploads.usedBytes).toBe(0);
    expect(receivers.metrics.render()).toMatch(
      /n1radar_requests_rejected_total\{transport="http",reason="timeout"\} 1/,
    );
  });
});

/** A raw OTLP/gRPC Export stream from `from`: the 5-byte frame header declaring `declared`, then `payload`. */
function grpcStream(
  session: ClientHttp2Session,
  declared: number,
  payload: Uint8Array,
  end: boolean,
): { stream: ClientHttp2Stream; status: Promise<number>; code: () => number | undefined } {
  const stream = session.request({
    ":method": "POST",
    ":path": "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    "content-type": "application/grpc",
    te: "trailers",
  });
  let code: number | undefined;
  const status = new Promise<number>((resolve) => {
    stream.on("response", (headers) => {
      if (headers["grpc-status"] !== undefined) code = Number(headers["grpc-status"]);
    });
    stream.on("trailers", (trailers) => {
      code = Number(trailers["grpc-status"]);
    });
    stream.on("close", () => resolve(code ?? -1));
    stream.on("error", () => {});
    stream.resume();
  });
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(declared, 1);
  stream.write(Buffer.concat([prefix, payload]));
  if (end) stream.end();
  return { stream, status, code: () => code };
}

function session(from: string): ClientHttp2Session {
  const [host, port] = receivers!.grpcAddress.split(":") as [string, string];
  const s = http2Connect(`http://${receivers!.grpcAddress}`, {
    createConnection: () => netConnect({ host, port: Number(port), localAddress: from }),
    maxSessionMemory: 1024, // MB: the hostile client buffers 20 MB of writes; Node's default 10 MB would refuse them
  });
  s.on("error", () => {});
  cleanups.push(() => s.destroy());
  return s;
}

describe("OTLP/gRPC", () => {
  it("charges stalled messages to the same budget: many streams hold at most a client's share", async () => {
    receivers = await startTestReceivers({ maxBodyBytes: LIMIT });
    const hostile = session("127.0.0.5");
    const calls = Array.from({ length: 20 }, () =>
      grpcStream(hostile, LIMIT - 10, Buffer.alloc(LIMIT - 100), false),
    );
    // The streams past the share (two messages of almost the limit) are refused as retryable (UNAVAILABLE).
    const refused = () => calls.filter((c) => c.code() === 14).length;
    await eventually(async () => (refused() >= 18 ? true : undefined));
    await settled();
    expect(refused()).toBe(18);
    expect(receivers.uploads.heldBy("127.0.0.5")).toBeLessThanOrEqual(2 * LIMIT);
    const codes = calls.map((c) => c.code());
    expect(codes.filter((code) => code === undefined)).toHaveLength(2);
    // Another client's export still goes through.
    const good = protobufOf(nPlusOneSpans());
    const ok = grpcStream(session("127.0.0.6"), good.length, good, true);
    expect(await ok.status).toBe(0);
  });

  it("ends a message that stalls past UPLOAD_TIMEOUT_MS with DEADLINE_EXCEEDED, giving its bytes back", async () => {
    receivers = await startTestReceivers({ maxBodyBytes: LIMIT, uploadTimeoutMs: 300 });
    const call = grpcStream(session("127.0.0.7"), LIMIT - 10, Buffer.alloc(5000), false);
    await eventually(async () => (receivers!.uploads.heldBy("127.0.0.7") > 0 ? true : undefined));
    expect(await call.status).toBe(4);
    expect(receivers.uploads.usedBytes).toBe(0);
  });
});

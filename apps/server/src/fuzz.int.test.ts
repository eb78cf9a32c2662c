/**
 * Fuzz: thousands of random and mutated bodies (flipped bytes, truncations, splices, garbage, wrong content
 * types and encodings, bogus gzip) at both receivers of one running server. Every answer must be a 200 (the
 * mutation still decoded) or a 4xx / non-retryable gRPC code, never a 5xx, a crash or a hang; the server must
 * keep answering /api/health and keep the finding it had before. Seeded, so a failure replays exactly.
 */

import { gzipSync } from "node:zlib";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFindings } from "./testing/api.js";
import { jsonOf, nPlusOneSpans, protobufOf } from "./testing/payloads.js";
import { eventually, startTestServer, type TestServer } from "./testing/server.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_601);
const HTTP_CASES = 5_000;
const GRPC_CASES = 3_000;
/** Wall-clock bound per transport, so a slow machine shortens the run rather than failing on time. */
const BUDGET_MS = 5_000;

/** mulberry32: tiny, fast, good enough to drive mutations reproducibly. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
type Rng = ReturnType<typeof prng>;

function randomBytes(rng: Rng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

const JSON_NOISE = [
  '{"',
  "}",
  "[",
  "]",
  ",",
  ":",
  "null",
  "1e309",
  '"\\ud800"',
  '"traceId"',
  "-1",
  '"',
  "\u0000",
];

/** One mutation of a valid payload, chosen at random. */
function mutate(rng: Rng, corpus: Uint8Array[], json: boolean): Uint8Array {
  const base = rng.pick(corpus);
  const out = Uint8Array.from(base);
  switch (rng.int(7)) {
    case 0: // flip bytes
      for (let i = 0, n = 1 + rng.int(8); i < n && out.length > 0; i++)
        out[rng.int(out.length)] = rng.int(256);
      return out;
    case 1: // truncate
      return out.subarray(0, rng.int(out.length + 1));
    case 2: {
      // splice two payloads at random points
      const other = rng.pick(corpus);
      const cut = rng.int(out.length + 1);
      const from = rng.int(other.length + 1);
      return Uint8Array.from([...out.subarray(0, cut), ...other.subarray(from)]);
    }
    case 3: // pure garbage
      return randomBytes(rng, rng.int(2_048));
    case 4: {
      // insert random bytes (or JSON tokens) in the middle
      const at = rng.int(out.length + 1);
      const insert = json
        ? new TextEncoder().encode(rng.pick(JSON_NOISE))
        : randomBytes(rng, 1 + rng.int(16));
      return Uint8Array.from([...out.subarray(0, at), ...insert, ...out.subarray(at)]);
    }
    case 5: {
      // duplicate a slice (repeated fields, merged messages, broken lengths)
      const a = rng.int(out.length + 1);
      const b = a + rng.int(out.length - a + 1);
      return Uint8Array.from([...out.subarray(0, b), ...out.subarray(a, b), ...out.subarray(b)]);
    }
    default:
      return out; // unmodified: must be accepted
  }
}

const CONTENT_TYPES = [
  "application/x-protobuf",
  "application/json",
  "application/json; charset=utf-8",
  "application/protobuf",
  "text/plain",
  "",
  "application/x-protobuf; x=\u00ff",
  "multipart/form-data",
];
const ENCODINGS = ["", "", "", "gzip", "gzip-fake", "deflate", "br", "identity", "gzip, br"];

let server: TestServer;
let protobufCorpus: Uint8Array[];
let jsonCorpus: Uint8Array[];

beforeAll(async () => {
  server = await startTestServer({ maxBodyBytes: 256 * 1024 });
  const requests = Array.from({ length: 6 }, (_, i) =>
    nPlusOneSpans({ service: `fuzz-${i}`, repeats: 5 + i }),
  );
  protobufCorpus = requests.map(protobufOf);
  jsonCorpus = requests.map(jsonOf);
  // The finding that must survive the fuzzing.
  const res = await fetch(`${server.otlpUrl}/v1/traces`, {
    method: "POST",
    body: protobufOf(nPlusOneSpans({ service: "fuzz-baseline" })),
    headers: { "content-type": "application/x-protobuf" },
  });
  expect(res.status).toBe(200);
  await baselineFinding();
});
afterAll(() => server.close());

async function baselineFinding() {
  return eventually(async () => {
    const body = await getFindings(server.apiUrl, "?limit=500");
    return body.findings.find((f) => f.service === "fuzz-baseline");
  });
}

async function healthy(): Promise<void> {
  const res = await fetch(`${server.apiUrl}/api/health`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status).toBe(200);
}

/**
 * Runs `cases` in parallel batches until done or out of budget, but never fewer than `min`: the budget keeps an
 * idle run short, the minimum keeps a loaded machine (several suites at once) from passing with too few cases or
 * failing for being slow. Returns how many ran.
 */
async function runCases(
  count: number,
  min: number,
  concurrency: number,
  one: (i: number) => Promise<void>,
): Promise<number> {
  const deadline = Date.now() + BUDGET_MS;
  let i = 0;
  while (i < count && (i < min || Date.now() < deadline)) {
    const batch = Array.from({ length: Math.min(concurrency, count - i) }, (_, k) => one(i + k));
    i += batch.length;
    await Promise.all(batch);
    if (i % 500 < concurrency) await healthy();
  }
  return i;
}

describe("fuzzing both receivers", () => {
  it("OTLP/HTTP answers every random or mutated request with 200 or a 4xx", async () => {
    const rng = prng(SEED);
    const seen = new Map<number, number>();
    await runCases(HTTP_CASES, 500, 16, async () => {
      const json = rng.next() < 0.5;
      let body = mutate(rng, json ? jsonCorpus : protobufCorpus, json);
      const contentType =
        rng.next() < 0.8 ? (json ? "application/json" : "application/x-protobuf") : rng.pick(CONTENT_TYPES);
      let encoding = rng.pick(ENCODINGS);
      if (encoding === "gzip") body = gzipSync(body);
      if (encoding === "gzip-fake") encoding = "gzip"; // claims gzip, is not
      const method = rng.next() < 0.97 ? "POST" : rng.pick(["GET", "PUT", "DELETE", "PATCH"]);
      const path = rng.next() < 0.98 ? "/v1/traces" : rng.pick(["/v1/trace", "/", "/v1/traces/x"]);
      const headers: Record<string, string> = { "content-type": contentType };
      if (encoding) headers["content-encoding"] = encoding;
      const res = await fetch(`${server.otlpUrl}${path}`, {
        method,
        body: method === "GET" ? undefined : body,
        headers,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
      if (![200, 400, 404, 405, 413, 415].includes(res.status)) {
        throw new Error(
          `status ${res.status} for ${method} ${path} ${contentType} ${encoding} ${body.length} bytes`,
        );
      }
    });
    expect(seen.get(200)).toBeGreaterThan(0);
    expect(seen.get(400)).toBeGreaterThan(0);
    await healthy();
    await baselineFinding();
  });

  it("OTLP/gRPC answers every mutated message with OK, INVALID_ARGUMENT or RESOURCE_EXHAUSTED", async () => {
    const rng = prng(SEED + 1);
    const plain = new grpc.Client(server.grpcAddress, grpc.credentials.createInsecure());
    const gzip = new grpc.Client(server.grpcAddress, grpc.credentials.createInsecure(), {
      "grpc.default_compression_algorithm": 2,
    });
    const seen = new Map<number, number>();
    try {
      await runCases(GRPC_CASES, 300, 16, async () => {
        const body = Buffer.from(mutate(rng, protobufCorpus, false));
        const code = await new Promise<number>((resolve) => {
          (rng.next() < 0.3 ? gzip : plain).makeUnaryRequest(
            "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
            (b: Buffer) => b,
            (b: Buffer) => b,
            body,
            new grpc.Metadata(),
            { deadline: Date.now() + 10_000 },
            (error) => resolve(error ? error.code : grpc.status.OK),
          );
        });
        seen.set(code, (seen.get(code) ?? 0) + 1);
        if (![grpc.status.OK, grpc.status.INVALID_ARGUMENT, grpc.status.RESOURCE_EXHAUSTED].includes(code)) {
          throw new Error(`gRPC status ${grpc.status[code]} for a ${body.length}-byte message`);
        }
      });
      expect(seen.get(grpc.status.OK)).toBeGreaterThan(0);
      expect(seen.get(grpc.status.INVALID_ARGUMENT)).toBeGreaterThan(0);
    } finally {
      plain.close();
      gzip.close();
    }
    await healthy();
    await baselineFinding();
  });
});

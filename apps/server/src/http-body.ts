/**
 * Reads an OTLP/HTTP request body under a size limit, compressed and decompressed alike: a body is refused
 * as soon as it passes the limit (never buffered whole), and decompression stops at the same limit, so a
 * small gzip bomb fails with 413 after producing at most `maxBytes`. Decompression runs on the libuv thread
 * pool, keeping the event loop free for other requests while a large body inflates.
 */
import type { IncomingMessage } from "node:http";
import { promisify } from "node:util";
import { gunzip, inflate } from "node:zlib";
import { N1Error } from "@n1radar/core";

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export type Coding = "identity" | "gzip" | "deflate";

/** The body's Content-Encoding, or an unsupported_media_type error (RFC 9110 §15.5.16 covers encodings). */
export function codingOf(header: string | undefined): Coding {
  const coding = header?.trim().toLowerCase();
  if (!coding || coding === "identity") return "identity";
  if (coding === "gzip" || coding === "x-gzip") return "gzip";
  if (coding === "deflate") return "deflate";
  throw new N1Error(
    "unsupported_media_type",
    `unsupported Content-Encoding ${JSON.stringify(header)}: use gzip, deflate or none`,
  );
}

export function tooLarge(maxBytes: number, what = "body"): N1Error {
  return new N1Error("payload_too_large", `${what} exceeds MAX_BODY_BYTES (${maxBytes} bytes)`);
}

/** Refuses from the headers alone when Content-Length already says the body is too large. */
export function checkDeclaredLength(req: IncomingMessage, maxBytes: number): void {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
}

/**
 * Bytes of request bodies held at once across all requests. The ingest queue bounds what waits for the
 * pipeline; this bounds what is still being uploaded, so many concurrent large uploads cannot exhaust memory.
 * (Decompressed bodies are bounded too: zlib runs on the libuv pool, a few at a time.)
 */
export class BodyBudget {
  used = 0;

  constructor(
    readonly maxBytes: number,
    /** The error for a request refused while the budget is spent: 503 with Retry-After. */
    readonly overloaded: () => N1Error,
  ) {}

  release(bytes: number): void {
    this.used -= bytes;
  }
}

/**
 * Collects the raw body, charging it to `budget`; the caller releases `body.length` once done with it.
 * Resolves null if the client went away mid-body (there is nobody to answer). Past either limit it stops
 * collecting and rejects; Node discards the rest of the body after the response.
 */
export function readBody(req: IncomingMessage, maxBytes: number, budget: BodyBudget): Promise<Buffer | null> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (budget.used > 0 && budget.used + declared > budget.maxBytes) return Promise.reject(budget.overloaded());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const stop = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      req.off("end", onEnd);
      chunks.length = 0;
      budget.release(size);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      budget.used += chunk.length;
      if (size > maxBytes) stop(() => reject(tooLarge(maxBytes)));
      else if (budget.used > budget.maxBytes && budget.used > size) stop(() => reject(budget.overloaded()));
      else chunks.push(chunk);
    };
    const onEnd = () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", () => stop(() => resolve(null)));
    req.on("aborted", () => stop(() => resolve(null)));
  });
}

/** Undoes the Content-Encoding, producing at most `maxBytes`. */
export async function decompress(body: Buffer, coding: Coding, maxBytes: number): Promise<Buffer> {
  if (coding === "identity") return body;
  try {
    const options = { maxOutputLength: maxBytes };
    return coding === "gzip" ? await gunzipAsync(body, options) : await inflateAsync(body, options);
  } catch (error) {
    if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw tooLarge(maxBytes, "decompressed body");
    }
    throw new N1Error("bad_request", `body is not valid ${coding} data`);
  }
}

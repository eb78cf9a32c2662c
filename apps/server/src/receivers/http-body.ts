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
import type { UploadBudget } from "./upload-budget.js";

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

export function uploadTimedOut(timeoutMs: number): N1Error {
  return new N1Error(
    "request_timeout",
    `the upload did not complete within UPLOAD_TIMEOUT_MS (${timeoutMs} ms)`,
  );
}

export interface ReadBodyOptions {
  maxBytes: number;
  budget: UploadBudget;
  /** The client the body's bytes are charged to (clientOf the socket's address). */
  client: string;
  /** Read deadline for the whole body: a stalled or trickling upload is refused (408) and its bytes freed. */
  timeoutMs: number;
  /** The error for an upload refused while the budget is spent: 503 with Retry-After. */
  overloaded: () => N1Error;
}

/**
 * Collects the raw body, charging it to the upload budget; the caller releases `body.length` once done with it.
 * Resolves null if the client went away mid-body (there is nobody to answer). Past a limit or the deadline it
 * stops collecting and rejects; Node discards the rest of the body after the response.
 */
export function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<Buffer | null> {
  const { maxBytes, budget, client } = options;
  const declared = Number(req.headers["content-length"] ?? 0);
  if (!budget.admits(client, declared)) return Promise.reject(options.overloaded());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const stop = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.off("data", onData);
      req.off("end", onEnd);
      chunks.length = 0;
      budget.release(client, size);
      outcome();
    };
    const deadline = setTimeout(
      () => stop(() => reject(uploadTimedOut(options.timeoutMs))),
      options.timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > maxBytes) stop(() => reject(tooLarge(maxBytes)));
      else if (!budget.charge(client, chunk.length, size)) stop(() => reject(options.overloaded()));
      else {
        size += chunk.length;
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", () => stop(() => resolve(null)));
    req.on("aborted", () => stop(() => resolve(null)));
    req.on("close", () => {
      if (!req.complete) stop(() => resolve(null));
    });
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

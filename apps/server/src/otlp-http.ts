/**
 * OTLP/HTTP trace receiver: `POST /v1/traces` with protobuf or JSON bodies, optionally gzip/deflate encoded,
 * answered in the request's own encoding as the OTLP specification requires.
 */

import { gunzipSync, inflateSync } from "node:zlib";
import { N1Error } from "@n1radar/core";
import * as otlp from "@n1radar/otlp";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Pipeline } from "./pipeline.js";

type Encoding = "protobuf" | "json";

export interface OtlpHttpOptions {
  pipeline: Pipeline;
  maxBodyBytes: number;
}

function encodingOf(contentType: string | undefined): Encoding | null {
  const mime = contentType?.split(";")[0]?.trim().toLowerCase();
  if (mime === "application/x-protobuf" || mime === "application/protobuf") return "protobuf";
  if (mime === "application/json") return "json";
  return null;
}

/** Decompresses with a cap on the output, so a small gzip bomb cannot expand past the body limit. */
function decompress(body: Uint8Array, contentEncoding: string | undefined, maxBytes: number): Uint8Array {
  const coding = contentEncoding?.trim().toLowerCase();
  if (!coding || coding === "identity") return body;
  try {
    if (coding === "gzip" || coding === "x-gzip") return gunzipSync(body, { maxOutputLength: maxBytes });
    if (coding === "deflate") return inflateSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new N1Error("payload_too_large", `decompressed body exceeds ${maxBytes} bytes`);
    }
    throw new N1Error("bad_request", `body is not valid ${coding} data`);
  }
  throw new N1Error("unsupported_media_type", `unsupported Content-Encoding: ${coding}`);
}

const STATUS: Record<string, 400 | 401 | 405 | 413 | 415 | 429 | 503> = {
  bad_request: 400,
  unauthorized: 401,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  overloaded: 503,
};

/** google.rpc.Status codes for the same errors (the HTTP body of a failed export). */
const RPC_CODE: Record<string, number> = {
  bad_request: otlp.RpcCode.InvalidArgument,
  unauthorized: otlp.RpcCode.Unauthenticated,
  method_not_allowed: otlp.RpcCode.Unimplemented,
  payload_too_large: otlp.RpcCode.ResourceExhausted,
  unsupported_media_type: otlp.RpcCode.InvalidArgument,
  overloaded: otlp.RpcCode.Unavailable,
};

export function createOtlpHttpApp(options: OtlpHttpOptions): Hono {
  const app = new Hono();

  app.onError((error, c) => {
    const encoding = encodingOf(c.req.header("content-type")) ?? "json";
    const code = error instanceof N1Error ? error.code : "bad_request";
    const message = error instanceof N1Error ? error.message : "request could not be processed";
    const status = STATUS[code] ?? 400;
    const rpc = RPC_CODE[code] ?? 3;
    if (encoding === "protobuf") {
      return c.body(otlp.encodeStatusProtobuf(rpc, message) as Uint8Array<ArrayBuffer>, status, {
        "content-type": "application/x-protobuf",
      });
    }
    return c.body(otlp.encodeStatusJson(rpc, message), status, { "content-type": "application/json" });
  });

  app.post(
    "/v1/traces",
    bodyLimit({
      maxSize: options.maxBodyBytes,
      onError: () => {
        throw new N1Error("payload_too_large", `body exceeds ${options.maxBodyBytes} bytes`);
      },
    }),
    async (c) => {
      const encoding = encodingOf(c.req.header("content-type"));
      if (!encoding) {
        throw new N1Error(
          "unsupported_media_type",
          `unsupported Content-Type ${JSON.stringify(c.req.header("content-type") ?? "")}: use application/x-protobuf or application/json`,
        );
      }
      const raw = new Uint8Array(await c.req.arrayBuffer());
      const body = decompress(raw, c.req.header("content-encoding"), options.maxBodyBytes);
      const result = encoding === "protobuf" ? otlp.decodeProtobufTraces(body) : otlp.decodeJsonTraces(body);
      options.pipeline.accept(result.spans);
      const partial = otlp.partialSuccessOf(result);
      if (encoding === "protobuf") {
        return c.body(otlp.encodeExportResponseProtobuf(partial) as Uint8Array<ArrayBuffer>, 200, {
          "content-type": "application/x-protobuf",
        });
      }
      return c.body(otlp.encodeExportResponseJson(partial), 200, { "content-type": "application/json" });
    },
  );

  app.all("/v1/traces", () => {
    throw new N1Error("method_not_allowed", "use POST for /v1/traces");
  });

  return app;
}

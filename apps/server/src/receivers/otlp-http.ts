/**
 * OTLP/HTTP receiver on a bare node:http handler (the hot path: no framework, no web streams). Rules from the
 * OTLP specification (specification/protocol/otlp.md, "OTLP/HTTP"):
 * - `POST /v1/traces`, body `application/x-protobuf` or `application/json`, optionally gzip (deflate too).
 * - Responses use the request's Content-Type. Success is 200 with ExportTraceServiceResponse; partial
 *   success is also 200, with partial_success {rejected_spans, error_message}.
 * - Every 4xx/5xx body is a google.rpc.Status ("Failures"): 400 for undecodable data with a BadRequest
 *   detail ("Bad Data"); 503 + Retry-After when saturated ("OTLP/HTTP Throttling"; 503 rather than 429
 *   because the limit is the server's, not a per-client quota). Both are in the spec's retryable set, 400,
 *   401, 404, 405, 413 and 415 are not, so senders drop bad data instead of retrying it forever.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ERROR_STATUS, errorCodeOf, N1Error } from "@n1radar/core";
import * as otlp from "@n1radar/otlp";
import { log } from "../log.js";
import { checkDeclaredLength, codingOf, decompress, readBody } from "./http-body.js";
import type { Encoding, Receiver } from "./receiver.js";
import { clientOf, type UploadBudget } from "./upload-budget.js";

/** Allowed browser origins: "*", a list, or an empty list for no CORS at all. */
export type CorsOrigins = "*" | readonly string[];

export interface OtlpHttpOptions {
  receiver: Receiver;
  maxBodyBytes: number;
  cors: CorsOrigins;
  /** Upload bytes held at once, in total and per client, shared with the gRPC receiver; past it, 503. */
  uploads: UploadBudget;
  /** Read deadline of a body (UPLOAD_TIMEOUT_MS); past it, 408 and the connection is closed. */
  uploadTimeoutMs: number;
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

const TRACES_PATH = "/v1/traces";
/** Acknowledged and dropped: SDKs pointed at one endpoint export every signal, and failures spam their logs. */
const OTHER_SIGNAL_PATHS = new Set(["/v1/metrics", "/v1/logs"]);

const CONTENT_TYPE: Record<Encoding, string> = {
  protobuf: "application/x-protobuf",
  json: "application/json",
};

/** The sender's (or its proxy's) X-Request-Id when it is a plain token, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[\w\-=]{1,64}$/.test(given) ? given : randomUUID();
}

export function encodingOf(contentType: string | undefined): Encoding | null {
  const mime = contentType?.split(";")[0]?.trim().toLowerCase();
  if (mime === "application/x-protobuf" || mime === "application/protobuf") return "protobuf";
  if (mime === "application/json") return "json";
  return null;
}

/** Failure bodies follow the request's encoding; with none usable, JSON if accepted, else protobuf (spec). */
function replyEncoding(req: IncomingMessage): Encoding {
  return (
    encodingOf(req.headers["content-type"]) ??
    (req.headers.accept?.includes("application/json") ? "json" : "protobuf")
  );
}

function pathOf(url: string | undefined): string {
  const path = (url ?? "/").split("?", 1)[0]!;
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/**
 * Writes a whole response. An empty or string body goes out in one write with the headers (the common
 * success answers); Node sends headers and a binary body as a writev, fine for the rarer partial successes.
 */
function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Uint8Array | string,
) {
  const length = typeof body === "string" ? Buffer.byteLength(body) : body.length;
  res.writeHead(status, { ...headers, "content-length": String(length) });
  if (length === 0) res.end();
  else res.end(body);
}

export function createOtlpHttpHandler(options: OtlpHttpOptions): RequestListener {
  const { receiver, maxBodyBytes } = options;
  const origins = options.cors;
  const corsOn = origins === "*" || origins.length > 0;
  const allow = corsOn ? "POST, OPTIONS" : "POST";

  /** CORS response headers for this request's Origin, or none when it is absent or not allowed. */
  const corsHeaders = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    if (!origin || !corsOn) return {};
    // Retry-After must be exposed, or a browser exporter cannot read it and backs off blindly.
    const expose = { "access-control-expose-headers": "Retry-After" };
    if (origins === "*") return { "access-control-allow-origin": "*", ...expose };
    return origins.includes(origin)
      ? { "access-control-allow-origin": origin, vary: "Origin", ...expose }
      : {};
  };

  const fail = (req: IncomingMessage, res: ServerResponse, error: unknown): void => {
    const reason = receiver.refused("http", error);
    const status = ERROR_STATUS[errorCodeOf(error)];
    // A failure names its request in the answer and the log line, so a sender's report meets the server's.
    const reqId = requestIdOf(req);
    if (reason === "internal") log.error({ err: error, reqId }, "OTLP/HTTP request failed");
    const message = error instanceof N1Error ? error.message : "internal error";
    const headers: Record<string, string> = { ...corsHeaders(req), "x-request-id": reqId };
    const details: otlp.StatusDetail[] = [];
    if (reason === "overloaded") {
      headers["retry-after"] = String(receiver.retryAfterSeconds);
      details.push({ retryDelayMs: receiver.retryAfterSeconds * 1000 });
    } else if (reason === "bad_request") {
      details.push({ fieldViolations: [{ field: "", description: message }] });
    } else if (reason === "timeout") {
      headers.connection = "close"; // the rest of a stalled body is not worth waiting for
    } else if (reason === "method_not_allowed") {
      headers.allow = allow;
    } else if (reason === "unauthorized" && receiver.keys.header === "authorization") {
      headers["www-authenticate"] = 'Bearer realm="n1radar"';
    }
    const encoding = replyEncoding(req);
    headers["content-type"] = CONTENT_TYPE[encoding];
    // Status.code is informative: the specification has clients go by the HTTP status.
    const body =
      encoding === "json"
        ? otlp.encodeStatusJson(status.rpc, message, details)
        : otlp.encodeStatusProtobuf(status.rpc, message, details);
    send(res, status.http, headers, body);
  };

  const preflight = (req: IncomingMessage, res: ServerResponse): void => {
    const cors = corsHeaders(req);
    if (!cors["access-control-allow-origin"]) {
      send(res, 403, { "content-type": "text/plain" }, "origin not allowed: see CORS_ORIGINS\n");
      return;
    }
    send(
      res,
      204,
      {
        ...cors,
        "access-control-allow-methods": "POST",
        // Whatever the exporter asks for (Content-Type, Content-Encoding, its OTEL_EXPORTER_OTLP_HEADERS).
        "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "content-type",
        "access-control-max-age": "7200",
        vary: "Origin, Access-Control-Request-Headers",
      },
      "",
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = pathOf(req.url);
    const traces = path === TRACES_PATH;
    if (!traces && !OTHER_SIGNAL_PATHS.has(path)) {
      throw new N1Error("not_found", `no route ${path}: n1radar receives traces at POST ${TRACES_PATH}`);
    }
    if (req.method === "OPTIONS" && corsOn && req.headers["access-control-request-method"]) {
      preflight(req, res);
      return;
    }
    if (req.method !== "POST") throw new N1Error("method_not_allowed", `use POST for ${path}`);
    if (!receiver.keys.allows(req.headers[receiver.keys.header])) {
      throw new N1Error(
        "unauthorized",
        `missing or unknown ingest key in the ${receiver.keys.header} header`,
      );
    }
    const encoding = encodingOf(req.headers["content-type"]);
    if (!encoding) {
      throw new N1Error(
        "unsupported_media_type",
        `unsupported Content-Type ${JSON.stringify(req.headers["content-type"] ?? "")}: use application/x-protobuf or application/json`,
      );
    }
    const coding = codingOf(req.headers["content-encoding"]);
    checkDeclaredLength(req, maxBodyBytes);
    if (traces) receiver.checkCapacity();
    const client = clientOf(req.socket.remoteAddress);
    const raw = await readBody(req, {
      maxBytes: maxBodyBytes,
      budget: options.uploads,
      client,
      timeoutMs: options.uploadTimeoutMs,
      overloaded: () => receiver.overloaded(),
    });
    if (raw === null) return; // the client went away; nobody to answer
    let partial: otlp.PartialSuccess | undefined;
    try {
      const body = coding === "identity" ? raw : await decompress(raw, coding, maxBodyBytes);
      if (traces) partial = await receiver.accept(body, encoding, "http");
      else receiver.discarded("http");
    } finally {
      options.uploads.release(client, raw.length);
    }
    const headers = { ...corsHeaders(req), "content-type": CONTENT_TYPE[encoding] };
    const reply =
      encoding === "json"
        ? otlp.encodeExportResponseJson(partial)
        : otlp.encodeExportResponseProtobuf(partial);
    send(res, 200, headers, reply);
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      try {
        fail(req, res, error);
      } catch (failure) {
        // Never let one request's trouble become an unhandled rejection, which would stop the process.
        log.error({ err: failure }, "could not answer an OTLP/HTTP request");
        res.destroy();
      }
    });
  };
}

/**
 * OTLP/gRPC receiver: `opentelemetry.proto.collector.trace.v1.TraceService/Export` on a hand-written service
 * definition whose (de)serializers pass raw bytes through, so requests are decoded by our own decoder and
 * errors map to the codes the OTLP specification asks for (specification/protocol/otlp.md, "OTLP/gRPC"):
 * - undecodable data: INVALID_ARGUMENT with a BadRequest detail (not retryable);
 * - saturated: UNAVAILABLE with RetryInfo in `grpc-status-details-bin` ("OTLP/gRPC Throttling");
 * - over MAX_BODY_BYTES, compressed or decompressed: RESOURCE_EXHAUSTED from grpc-js itself, without
 *   RetryInfo, which the spec says means "do not retry";
 * - missing or unknown ingest key: UNAUTHENTICATED.
 * gzip and deflate request compression is handled by grpc-js (`grpc-encoding`), bounded by the same limit.
 * The key and the queue are checked on the call's metadata, before grpc-js buffers its message, as the HTTP
 * receiver checks them before reading a body.
 */

import type { ServerHttp2Stream } from "node:http2";
import * as grpc from "@grpc/grpc-js";
import { ERROR_STATUS, errorCodeOf, N1Error } from "@n1radar/core";
import * as otlp from "@n1radar/otlp";
import { log } from "../log.js";
import { uploadTimedOut } from "./http-body.js";
import type { Receiver } from "./receiver.js";
import { clientOf, type UploadBudget } from "./upload-budget.js";

export interface OtlpGrpcOptions {
  receiver: Receiver;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Largest message, compressed or decompressed (MAX_BODY_BYTES). */
  maxMessageBytes: number;
  /** Upload bytes held at once, in total and per client, shared with the HTTP receiver; past it, UNAVAILABLE. */
  uploads: UploadBudget;
  /** Read deadline of a call's message (UPLOAD_TIMEOUT_MS); past it, DEADLINE_EXCEEDED. */
  uploadTimeoutMs: number;
}

export interface OtlpGrpcServer {
  port: number;
  /** Stops accepting calls and waits for those in flight (forcing them after `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

const passThrough = (b: Buffer) => b;
const toBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

function exportMethod(service: string): grpc.MethodDefinition<Buffer, Uint8Array> {
  return {
    path: `/opentelemetry.proto.collector.${service}/Export`,
    requestStream: false,
    responseStream: false,
    requestSerialize: passThrough,
    // Decoding happens in the handler: a throwing deserializer would surface as INTERNAL, not INVALID_ARGUMENT.
    requestDeserialize: passThrough,
    responseSerialize: toBuffer,
    responseDeserialize: passThrough,
  };
}

function serviceError(receiver: Receiver, error: unknown): grpc.StatusObject {
  const reason = receiver.refused("grpc", error);
  if (reason === "internal") log.error({ err: error }, "OTLP/gRPC request failed");
  // gRPC's status codes are google.rpc's.
  const code = ERROR_STATUS[errorCodeOf(error)].rpc as grpc.status;
  const message = error instanceof N1Error ? error.message : "internal error";
  const details: otlp.StatusDetail[] = [];
  if (reason === "overloaded") details.push({ retryDelayMs: receiver.retryAfterSeconds * 1000 });
  if (reason === "bad_request") details.push({ fieldViolations: [{ field: "", description: message }] });
  const metadata = new grpc.Metadata();
  if (details.length > 0) {
    // Status.code must equal the call's status code; grpc-js base64-encodes `-bin` values itself.
    metadata.set("grpc-status-details-bin", toBuffer(otlp.encodeStatusProtobuf(code, message, details)));
  }
  return { code, details: message, metadata };
}

/**
 * What must hook the base call itself, so this interceptor comes first: grpc-js sends its own refusals
 * (oversized messages, undecompressable bodies) on the base call, past any interceptor's `sendStatus`, so their
 * count wraps the base call's own method; and a message's bytes arrive on the base call's HTTP/2 stream, read
 * here as they come so every call is charged to the upload budget like an HTTP body (grpc-js buffers a message
 * whole before any handler sees it: sixty stalled 15 MiB streams would otherwise hold a gigabyte). A call whose
 * message has not arrived within the read deadline is ended, and its bytes are given back.
 *
 * The stream is a private field of grpc-js's BaseServerInterceptingCall (pinned to an exact version in
 * package.json); otlp-grpc.int.test.ts fails if an upgrade moves it, rather than silently unbounding memory.
 */
function transportHooks(
  receiver: Receiver,
  uploads: UploadBudget,
  uploadTimeoutMs: number,
): grpc.ServerInterceptor {
  return (_method, call) => {
    let handled = false;
    let settled = false;
    let held = 0;
    const client = clientOf(call.getPeer());
    const stream = (call as unknown as { stream?: ServerHttp2Stream }).stream;
    const sendStatus = call.sendStatus.bind(call);
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      stream?.off("data", onData);
      uploads.release(client, held);
      held = 0;
    };
    const refuse = (error: N1Error) => {
      settle();
      sendStatus(serviceError(receiver, error));
      // Ask the client to stop sending the rest (RST_STREAM NO_ERROR after the status, as HTTP/2 allows).
      setImmediate(() => stream?.close());
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      if (!uploads.charge(client, chunk.length, held)) refuse(receiver.overloaded());
      else held += chunk.length;
    };
    const deadline = setTimeout(() => refuse(uploadTimedOut(uploadTimeoutMs)), uploadTimeoutMs);
    if (stream) {
      stream.on("data", onData);
      stream.once("close", settle);
    }
    call.sendStatus = (status) => {
      settle();
      if (!handled && status.code === grpc.status.RESOURCE_EXHAUSTED) {
        receiver.refused("grpc", new N1Error("payload_too_large", status.details));
      } else if (!handled && status.code === grpc.status.INTERNAL) {
        receiver.refused("grpc", new N1Error("bad_request", status.details));
      }
      sendStatus(status);
    };
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMessage: (message, nextMessage) => {
            handled = true;
            settle(); // the handler decodes and queues it synchronously, or refuses it
            nextMessage(message);
          },
        }),
    });
  };
}

const TRACES = exportMethod("trace.v1.TraceService");

/**
 * Admits a call from its metadata alone: without a valid ingest key (any service), or while the ingest queue
 * is full (traces), the call is refused before its message arrives, so neither an unauthenticated client nor
 * a flood of retries while saturated makes grpc-js buffer messages of up to MAX_BODY_BYTES that would be
 * refused anyway. Metrics and logs are acknowledged and dropped even when saturated (they cost the pipeline
 * nothing).
 */
function admitOnMetadata(receiver: Receiver): grpc.ServerInterceptor {
  return (method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, nextMetadata) => {
            try {
              if (receiver.keys.enabled) {
                const value = metadata.get(receiver.keys.header)[0];
                if (!receiver.keys.allows(typeof value === "string" ? value : undefined)) {
                  throw new N1Error(
                    "unauthorized",
                    `missing or unknown ingest key in the ${receiver.keys.header} metadata`,
                  );
                }
              }
              if (method.path === TRACES.path) receiver.checkCapacity();
            } catch (error) {
              call.sendStatus(serviceError(receiver, error));
              return;
            }
            nextMetadata(metadata);
          },
        }),
    });
}

export async function startOtlpGrpcServer(options: OtlpGrpcOptions): Promise<OtlpGrpcServer> {
  const { receiver } = options;
  const server = new grpc.Server({
    "grpc.max_receive_message_length": options.maxMessageBytes,
    interceptors: [
      transportHooks(receiver, options.uploads, options.uploadTimeoutMs),
      admitOnMetadata(receiver),
    ],
  });

  // Calls reach these handlers only once admitOnMetadata has checked their ingest key.
  const exportTraces: grpc.handleUnaryCall<Buffer, Uint8Array> = (call, callback) => {
    receiver.accept(call.request, "protobuf", "grpc").then(
      (partial) => callback(null, otlp.encodeExportResponseProtobuf(partial)),
      (error: unknown) => callback(serviceError(receiver, error)),
    );
  };
  // Metrics and logs are acknowledged and dropped, as over HTTP: n1radar reads traces only.
  const discard: grpc.handleUnaryCall<Buffer, Uint8Array> = (_call, callback) => {
    receiver.discarded("grpc");
    callback(null, new Uint8Array(0));
  };

  server.addService({ Export: TRACES }, { Export: exportTraces });
  server.addService({ Export: exportMethod("metrics.v1.MetricsService") }, { Export: discard });
  server.addService({ Export: exportMethod("logs.v1.LogsService") }, { Export: discard });

  const port = await new Promise<number>((resolve, reject) => {
    const host = options.host.includes(":") ? `[${options.host}]` : options.host; // IPv6 literal
    server.bindAsync(`${host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    );
  });

  return {
    port,
    close(graceMs = 5_000) {
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}

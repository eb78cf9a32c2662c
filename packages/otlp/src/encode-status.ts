/**
 * google.rpc.Status, the body of every failed OTLP/HTTP export and the `grpc-status-details-bin` trailer of a
 * failed OTLP/gRPC one: Status{code=1 int32, message=2 string, details=3 repeated google.protobuf.Any}.
 * Two details are supported, the ones the OTLP specification names: RetryInfo ("retryable, wait this long",
 * OTLP/gRPC Throttling) and BadRequest ("the data is bad, do not retry", OTLP/HTTP Bad Data).
 */
import { ProtoWriter } from "./protobuf-writer.js";

export interface FieldViolation {
  field: string;
  description: string;
}

export type StatusDetail =
  /** google.rpc.RetryInfo{retry_delay=1 google.protobuf.Duration{seconds=1 int64, nanos=2 int32}}. */
  | { retryDelayMs: number }
  /** google.rpc.BadRequest{field_violations=1 repeated FieldViolation{field=1, description=2}}. */
  | { fieldViolations: readonly FieldViolation[] };

const TYPE_PREFIX = "type.googleapis.com/google.rpc.";

function checkCode(code: number): void {
  if (!Number.isInteger(code) || code < 0 || code > 0x7fffffff) throw new RangeError(`bad rpc code ${code}`);
}

function checkDelay(ms: number): void {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`bad retry delay ${ms} ms`);
}

/** The detail as a google.protobuf.Any{type_url=1, value=2}. */
function anyProtobuf(detail: StatusDetail): Uint8Array {
  if ("retryDelayMs" in detail) {
    checkDelay(detail.retryDelayMs);
    const duration = new ProtoWriter()
      .uint(1, Math.floor(detail.retryDelayMs / 1000))
      .uint(2, (detail.retryDelayMs % 1000) * 1_000_000)
      .finish();
    // retry_delay is always written, even when zero: "retry now" is a meaningful answer.
    const value = new ProtoWriter().bytesField(1, duration).finish();
    return new ProtoWriter().string(1, `${TYPE_PREFIX}RetryInfo`).bytesField(2, value).finish();
  }
  const value = new ProtoWriter();
  for (const v of detail.fieldViolations) {
    value.bytesField(1, new ProtoWriter().string(1, v.field).string(2, v.description).finish());
  }
  return new ProtoWriter().string(1, `${TYPE_PREFIX}BadRequest`).bytesField(2, value.finish()).finish();
}

/** The detail in the proto3 JSON mapping of Any: `@type` plus the message's own fields. */
function anyJson(detail: StatusDetail): Record<string, unknown> {
  if ("retryDelayMs" in detail) {
    checkDelay(detail.retryDelayMs);
    // Duration's JSON form is decimal seconds with an "s" suffix, e.g. "1.5s".
    return { "@type": `${TYPE_PREFIX}RetryInfo`, retryDelay: `${detail.retryDelayMs / 1000}s` };
  }
  return {
    "@type": `${TYPE_PREFIX}BadRequest`,
    // proto3 JSON leaves out empty strings, as the protobuf encoding does.
    fieldViolations: detail.fieldViolations.map((v) =>
      v.field === "" ? { description: v.description } : { field: v.field, description: v.description },
    ),
  };
}

export function encodeStatusProtobuf(
  code: number,
  message: string,
  details: readonly StatusDetail[] = [],
): Uint8Array {
  checkCode(code);
  const w = new ProtoWriter().uint(1, code).string(2, message);
  for (const d of details) w.bytesField(3, anyProtobuf(d));
  return w.finish();
}

/** JSON mapping of google.rpc.Status; int32 stays a number, and empty `details` is left out. */
export function encodeStatusJson(
  code: number,
  message: string,
  details: readonly StatusDetail[] = [],
): string {
  checkCode(code);
  if (details.length === 0) return JSON.stringify({ code, message });
  return JSON.stringify({ code, message, details: details.map(anyJson) });
}

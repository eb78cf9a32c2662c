/**
 * Response bodies. Success: ExportTraceServiceResponse{partial_success=1 ExportTracePartialSuccess{
 * rejected_spans=1 int64, error_message=2 string}}; the spec says to leave partial_success unset when
 * everything was accepted, so that case is an empty message (`{}` in JSON). Failure: google.rpc.Status{
 * code=1 int32, message=2 string, details=3 repeated Any} with no details.
 */
import { ProtoWriter } from "./protobuf-writer.js";
import { MAX_ERROR_MESSAGES } from "./result.js";

export interface PartialSuccess {
  rejectedSpans: number;
  /** Human-readable reason; may be set even with 0 rejected spans, as a warning. */
  errorMessage: string;
}

/** google.rpc.Code values an OTLP receiver uses in Status.code. */
export const RpcCode = {
  InvalidArgument: 3,
  NotFound: 5,
  ResourceExhausted: 8,
  Unauthenticated: 16,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
} as const;

/** Summarises a decode result for the response: the count and the first messages, joined. */
export function partialSuccessOf(result: { rejected: number; errors: readonly string[] }): PartialSuccess {
  const more = result.rejected - result.errors.length;
  const shown = result.errors.slice(0, MAX_ERROR_MESSAGES).join("; ");
  return {
    rejectedSpans: result.rejected,
    errorMessage: more > 0 && shown ? `${shown}; and ${more} more` : shown,
  };
}

function isEmpty(p: PartialSuccess | undefined): p is undefined {
  return p === undefined || (p.rejectedSpans === 0 && p.errorMessage === "");
}

export function encodeExportResponseProtobuf(partial?: PartialSuccess): Uint8Array {
  if (isEmpty(partial)) return new Uint8Array(0);
  const inner = new ProtoWriter().uint(1, partial.rejectedSpans).string(2, partial.errorMessage).finish();
  return new ProtoWriter().bytesField(1, inner).finish();
}

/** JSON mapping: int64 `rejectedSpans` is a decimal string, per the proto3 JSON rules OTLP follows. */
export function encodeExportResponseJson(partial?: PartialSuccess): string {
  if (isEmpty(partial)) return "{}";
  const body: Record<string, string> = {};
  if (partial.rejectedSpans !== 0) body.rejectedSpans = String(partial.rejectedSpans);
  if (partial.errorMessage !== "") body.errorMessage = partial.errorMessage;
  return JSON.stringify({ partialSuccess: body });
}

function checkCode(code: number): void {
  if (!Number.isInteger(code) || code < 0 || code > 0x7fffffff) throw new RangeError(`bad rpc code ${code}`);
}

export function encodeStatusProtobuf(code: number, message: string): Uint8Array {
  checkCode(code);
  return new ProtoWriter().uint(1, code).string(2, message).finish();
}

/** JSON mapping of google.rpc.Status; int32 stays a number. */
export function encodeStatusJson(code: number, message: string): string {
  checkCode(code);
  return JSON.stringify({ code, message });
}

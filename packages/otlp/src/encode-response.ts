/**
 * Response bodies. Success: ExportTraceServiceResponse{partial_success=1 ExportTracePartialSuccess{
 * rejected_spans=1 int64, error_message=2 string}}; the spec says to leave partial_success unset when
 * everything was accepted, so that case is an empty message (`{}` in JSON). Failures are google.rpc.Status
 * (encode-status.ts).
 */
import { ProtoWriter } from "./protobuf-writer.js";
import { MAX_ERROR_MESSAGES } from "./result.js";

export interface PartialSuccess {
  rejectedSpans: number;
  /** Human-readable reason; may be set even with 0 rejected spans, as a warning. */
  errorMessage: string;
}

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

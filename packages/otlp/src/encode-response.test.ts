import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { describe, expect, it } from "vitest";
import { encodeExportResponseJson, encodeExportResponseProtobuf, partialSuccessOf } from "./index.js";

describe("export responses", () => {
  it("leaves partial_success unset when everything was accepted", () => {
    expect(encodeExportResponseProtobuf()).toEqual(new Uint8Array(0));
    expect(encodeExportResponseProtobuf({ rejectedSpans: 0, errorMessage: "" })).toEqual(new Uint8Array(0));
    expect(encodeExportResponseJson()).toBe("{}");
    expect(encodeExportResponseJson({ rejectedSpans: 0, errorMessage: "" })).toBe("{}");
  });

  it("encodes a partial success the SDK's own response parsers understand", () => {
    const partial = { rejectedSpans: 3, errorMessage: "spans[0].traceId: bad ✗" };
    expect(ProtobufTraceSerializer.deserializeResponse(encodeExportResponseProtobuf(partial))).toEqual({
      partialSuccess: partial,
    });
    const json = encodeExportResponseJson(partial);
    expect(json).toBe('{"partialSuccess":{"rejectedSpans":"3","errorMessage":"spans[0].traceId: bad ✗"}}');
    expect(JsonTraceSerializer.deserializeResponse(new TextEncoder().encode(json))).toEqual({
      partialSuccess: { rejectedSpans: "3", errorMessage: partial.errorMessage },
    });
  });

  it("encodes large int64 counts and warning-only responses", () => {
    const big = encodeExportResponseProtobuf({ rejectedSpans: 2 ** 40, errorMessage: "" });
    expect(ProtobufTraceSerializer.deserializeResponse(big)).toEqual({
      partialSuccess: { rejectedSpans: 2 ** 40 },
    });
    expect(encodeExportResponseJson({ rejectedSpans: 0, errorMessage: "slow down" })).toBe(
      '{"partialSuccess":{"errorMessage":"slow down"}}',
    );
  });

  it("summarises a decode result", () => {
    expect(partialSuccessOf({ rejected: 0, errors: [] })).toEqual({ rejectedSpans: 0, errorMessage: "" });
    expect(partialSuccessOf({ rejected: 7, errors: ["a", "b"] })).toEqual({
      rejectedSpans: 7,
      errorMessage: "a; b; and 5 more",
    });
  });
});

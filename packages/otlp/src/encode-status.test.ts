import { RpcCode } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { encodeStatusJson, encodeStatusProtobuf } from "./index.js";
import { ProtoReader, tagOf } from "./protobuf-reader.js";

/** Reads one message's fields into a list of [field number, value], values as numbers or raw bytes. */
function fields(bytes: Uint8Array): [number, number | Uint8Array][] {
  const r = new ProtoReader(bytes);
  const out: [number, number | Uint8Array][] = [];
  while (!r.atEnd) {
    const tag = r.readTag();
    if ((tag & 7) === 0) out.push([tag >>> 3, r.int64()]);
    else if ((tag & 7) === 2) {
      const n = r.len();
      out.push([tag >>> 3, bytes.subarray(r.take(n), r.pos)]);
    } else throw new Error(`unexpected wire type in ${tag}`);
  }
  return out;
}

const text = (v: number | Uint8Array | undefined) => new TextDecoder().decode(v as Uint8Array);

describe("google.rpc.Status", () => {
  it("encodes code and message to protobuf", () => {
    const r = new ProtoReader(encodeStatusProtobuf(RpcCode.InvalidArgument, "invalid protobuf payload"));
    expect(r.readTag()).toBe(tagOf(1, 0));
    expect(r.int64()).toBe(3);
    expect(r.readTag()).toBe(tagOf(2, 2));
    expect(r.string(r.len())).toBe("invalid protobuf payload");
    expect(r.atEnd).toBe(true);
  });

  it("encodes to JSON with an int32 code", () => {
    expect(JSON.parse(encodeStatusJson(RpcCode.ResourceExhausted, "slow down"))).toEqual({
      code: 8,
      message: "slow down",
    });
    expect(() => encodeStatusJson(-1, "x")).toThrow(RangeError);
  });

  it("carries a RetryInfo detail as an Any with a Duration", () => {
    const status = fields(encodeStatusProtobuf(RpcCode.Unavailable, "busy", [{ retryDelayMs: 2500 }]));
    expect(status.map(([f]) => f)).toEqual([1, 2, 3]);
    const any = fields(status[2]![1] as Uint8Array);
    expect(text(any[0]![1])).toBe("type.googleapis.com/google.rpc.RetryInfo");
    const retryInfo = fields(any[1]![1] as Uint8Array);
    expect(retryInfo[0]![0]).toBe(1);
    expect(fields(retryInfo[0]![1] as Uint8Array)).toEqual([
      [1, 2],
      [2, 500_000_000],
    ]);
    expect(JSON.parse(encodeStatusJson(14, "busy", [{ retryDelayMs: 2500 }]))).toEqual({
      code: 14,
      message: "busy",
      details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2.5s" }],
    });
  });

  it("keeps a zero retry delay explicit, meaning retry now", () => {
    const status = fields(encodeStatusProtobuf(RpcCode.Unavailable, "", [{ retryDelayMs: 0 }]));
    const any = fields(status[1]![1] as Uint8Array);
    expect(fields(any[1]![1] as Uint8Array)).toEqual([[1, new Uint8Array(0)]]);
    expect(() => encodeStatusProtobuf(14, "", [{ retryDelayMs: -1 }])).toThrow(RangeError);
  });

  it("carries a BadRequest detail with its field violations", () => {
    const violation = { field: "resourceSpans[0]", description: "expected an object" };
    const status = fields(encodeStatusProtobuf(3, "bad", [{ fieldViolations: [violation] }]));
    const any = fields(status[2]![1] as Uint8Array);
    expect(text(any[0]![1])).toBe("type.googleapis.com/google.rpc.BadRequest");
    const badRequest = fields(any[1]![1] as Uint8Array);
    const fv = fields(badRequest[0]![1] as Uint8Array);
    expect([text(fv[0]![1]), text(fv[1]![1])]).toEqual([violation.field, violation.description]);
    expect(JSON.parse(encodeStatusJson(3, "bad", [{ fieldViolations: [violation] }])).details).toEqual([
      { "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: [violation] },
    ]);
  });
});

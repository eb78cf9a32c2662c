import { N1Error } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { MAX_GROUP_DEPTH, ProtoReader, tagOf } from "./protobuf-reader.js";
import { ProtoWriter } from "./protobuf-writer.js";
import {
  cat,
  doubleField,
  fixed32Field,
  fixed64Field,
  lenField,
  tag,
  varint,
  vField,
} from "./test-support/pb.js";

function reader(...parts: Uint8Array[]): ProtoReader {
  return new ProtoReader(cat(...parts));
}

function expectBadRequest(fn: () => unknown, message?: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(N1Error);
    expect((err as N1Error).code).toBe("bad_request");
    if (message) expect((err as N1Error).message).toMatch(message);
    return;
  }
  throw new Error("expected an N1Error");
}

describe("varints", () => {
  it.each([0, 1, 127, 128, 300, 16383, 16384, 2 ** 28 - 1, 2 ** 28, 2 ** 31, 2 ** 32 - 1])(
    "uint32 %d",
    (v) => {
      expect(reader(varint(v)).uint32()).toBe(v);
    },
  );

  it("rejects a uint32 varint above 32 bits", () => {
    expectBadRequest(() => reader(varint(2 ** 32)).uint32(), /32 bits/);
  });

  it.each([
    0,
    1,
    150,
    2 ** 31,
    2 ** 32,
    2 ** 35 + 7,
    2 ** 53 - 1,
    -1,
    -2,
    -(2 ** 31),
    -(2 ** 40),
    -(2 ** 53) + 1,
  ])("int64 %d", (v) => {
    const r = reader(varint(v));
    expect(r.int64()).toBe(v);
    expect(r.atEnd).toBe(true);
  });

  it("rejects varints longer than 10 bytes", () => {
    const eleven = new Uint8Array(11).fill(0x80);
    expectBadRequest(() => reader(eleven).int64(), /10 bytes/);
    const r = reader(tag(1, 0), eleven);
    expectBadRequest(() => r.skip(r.readTag()), /10 bytes/);
  });

  it("rejects a varint cut short", () => {
    expectBadRequest(() => reader(Uint8Array.of(0x80, 0x80)).int64(), /truncated/);
    expectBadRequest(() => reader(Uint8Array.of(0xff)).uint32(), /truncated/);
  });
});

describe("fixed-width values", () => {
  it("reads fixed32, fixed64 halves and doubles", () => {
    const r = reader(fixed32Field(1, 0xdeadbeef), fixed64Field(2, 0x0123456789abcdefn), doubleField(3, -1.5));
    expect(r.readTag()).toBe(tagOf(1, 5));
    expect(r.fixed32()).toBe(0xdeadbeef);
    expect(r.readTag()).toBe(tagOf(2, 1));
    r.fixed64();
    expect([r.hi, r.lo]).toEqual([0x01234567, 0x89abcdef]);
    r.readTag();
    expect(r.double()).toBe(-1.5);
    expect(r.atEnd).toBe(true);
  });

  it("does not read a fixed value past the limit", () => {
    expectBadRequest(() => reader(Uint8Array.of(1, 2, 3)).fixed32(), /truncated/);
    expectBadRequest(() => reader(Uint8Array.of(1, 2, 3, 4, 5, 6, 7)).double(), /truncated/);
  });
});

describe("skipping", () => {
  it("skips every wire type", () => {
    const r = reader(
      vField(1, -5),
      fixed64Field(2, 9n),
      lenField(3, "hello"),
      fixed32Field(4, 1),
      cat(tag(5, 3), vField(1, 1), tag(6, 3), tag(6, 4), tag(5, 4)),
      vField(7, 42),
    );
    for (let i = 0; i < 5; i++) r.skip(r.readTag());
    expect(r.readTag()).toBe(tagOf(7, 0));
    expect(r.int64()).toBe(42);
  });

  it("rejects invalid wire types, stray end-groups and mismatched groups", () => {
    expectBadRequest(() => reader(tag(1, 6)).skip(tagOf(1, 6)), /wire type 6/);
    expectBadRequest(() => reader(tag(1, 7)).skip(tagOf(1, 7)), /wire type 7/);
    expectBadRequest(() => reader().skip(tagOf(1, 4)), /end-group/);
    const mismatched = reader(tag(5, 3), tag(6, 4));
    expectBadRequest(() => mismatched.skip(mismatched.readTag()), /mismatched/);
    const unterminated = reader(tag(5, 3), vField(1, 1));
    expectBadRequest(() => unterminated.skip(unterminated.readTag()), /truncated/);
  });

  it("caps group nesting instead of recursing", () => {
    const ok = MAX_GROUP_DEPTH;
    // Field 1 start-group is the single byte 0x0b, end-group 0x0c.
    const nested = (depth: number) => cat(new Uint8Array(depth).fill(0x0b), new Uint8Array(depth).fill(0x0c));
    const r = reader(nested(ok));
    r.skip(r.readTag());
    expect(r.atEnd).toBe(true);
    const deep = reader(nested(100_000));
    expectBadRequest(() => deep.skip(deep.readTag()), /nested deeper/);
  });

  it("rejects a length running past the enclosing message", () => {
    const r = reader(lenField(1, cat(lenField(2, "abc"))));
    r.readTag();
    const saved = r.enter();
    r.readTag();
    r.limit -= 1; // pretend the outer message is one byte shorter
    expectBadRequest(() => r.len(), /truncated/);
    r.leave(saved);
  });

  it("rejects field number 0", () => {
    expectBadRequest(() => reader(Uint8Array.of(0x02, 0x00)).readTag(), /field number 0/);
  });
});

describe("strings", () => {
  it("decodes UTF-8, interning repeats, and replaces invalid bytes", () => {
    const r = reader(lenField(1, "héllo"), lenField(1, "héllo"), lenField(1, Uint8Array.of(0x61, 0xc3)));
    const read = () => {
      r.readTag();
      return r.string(r.len());
    };
    expect(read()).toBe("héllo");
    expect(read()).toBe("héllo");
    expect(read()).toBe("a\uFFFD");
  });
});

describe("ProtoWriter", () => {
  it("round-trips through the reader", () => {
    const bytes = new ProtoWriter()
      .uint(1, 2 ** 40 + 3)
      .string(2, "ünïcode")
      .bytesField(3, new ProtoWriter().uint(1, 7).finish())
      .uint(4, 0)
      .string(5, "")
      .finish();
    const r = new ProtoReader(bytes);
    expect(r.readTag()).toBe(tagOf(1, 0));
    expect(r.int64()).toBe(2 ** 40 + 3);
    expect(r.readTag()).toBe(tagOf(2, 2));
    expect(r.string(r.len())).toBe("ünïcode");
    expect(r.readTag()).toBe(tagOf(3, 2));
    const saved = r.enter();
    expect(r.readTag()).toBe(tagOf(1, 0));
    expect(r.int64()).toBe(7);
    r.leave(saved);
    expect(r.atEnd).toBe(true); // zero and "" are omitted, as in proto3
  });

  it("refuses values it cannot encode", () => {
    expect(() => new ProtoWriter().uint(1, -1)).toThrow(RangeError);
    expect(() => new ProtoWriter().uint(1, 1.5)).toThrow(RangeError);
  });
});

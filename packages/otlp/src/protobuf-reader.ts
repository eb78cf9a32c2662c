/**
 * A minimal protobuf wire-format reader. Every read is bounds-checked against the current limit (the end of
 * the innermost message), every loop consumes at least one byte or throws, and nothing recurses, so hostile
 * input can only produce an N1Error("bad_request"), never an out-of-bounds read, a hang or a stack overflow.
 */
import { N1Error } from "@n1radar/core";
import { sameBytes } from "./hex.js";

export const WireType = { Varint: 0, I64: 1, Len: 2, StartGroup: 3, EndGroup: 4, I32: 5 } as const;

/** Nesting allowed while skipping deprecated groups; deeper input is rejected instead of growing a stack. */
export const MAX_GROUP_DEPTH = 32;

/** Tag value for a field number and wire type, for `switch` over `readTag()`. */
export function tagOf(field: number, wireType: number): number {
  return ((field << 3) | wireType) >>> 0;
}

export function protobufError(message: string): N1Error {
  return new N1Error("bad_request", `invalid protobuf payload: ${message}`);
}

// Non-fatal on purpose: SDKs cut long attribute values at a byte limit, which can split a multi-byte
// character. Losing the whole batch over one such value would be worse than a U+FFFD in a SQL statement.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** Strings longer than this are decoded directly: hashing them would cost as much as decoding. */
const MAX_INTERNED_BYTES = 128;
/** Bounds the per-request intern table so a batch of unique strings cannot grow it without limit. */
const MAX_INTERNED = 4096;

interface Interned {
  start: number;
  len: number;
  str: string;
}

export class ProtoReader {
  readonly buf: Uint8Array;
  pos = 0;
  /** End of the message being read; `enter`/`leave` narrow and restore it. */
  limit: number;
  /** Halves of the last `fixed64()`, returned through fields so the hot path allocates nothing. */
  lo = 0;
  hi = 0;
  private view: DataView | null = null;
  private readonly interned = new Map<number, Interned>();

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.limit = buf.length;
  }

  get atEnd(): boolean {
    return this.pos >= this.limit;
  }

  private truncated(need: number): never {
    throw protobufError(
      `truncated at byte ${this.pos}: need ${need} more byte(s), ${this.limit - this.pos} left`,
    );
  }

  private byte(): number {
    if (this.pos >= this.limit) this.truncated(1);
    return this.buf[this.pos++]!;
  }

  /** A varint that must fit in 32 unsigned bits: tags and lengths. */
  uint32(): number {
    let b = this.byte();
    if (b < 0x80) return b;
    let result = b & 0x7f;
    for (let shift = 7; shift < 28; shift += 7) {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      if (b < 0x80) return result;
    }
    b = this.byte();
    if (b > 0x0f) throw protobufError(`varint at byte ${this.pos - 5} does not fit in 32 bits`);
    return result + b * 0x10000000;
  }

  /** An int64/uint64/int32/enum/bool varint as a double: exact up to 2^53, negative int64 handled. */
  int64(): number {
    let lo = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      b = this.byte();
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) return lo;
    }
    b = this.byte();
    lo = (lo | ((b & 0x7f) << 28)) >>> 0;
    let hi = (b & 0x7f) >> 4;
    if (b < 0x80) return hi * 0x100000000 + lo;
    for (let shift = 3; shift < 32; shift += 7) {
      b = this.byte();
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) return (hi | 0) * 0x100000000 + lo;
    }
    throw protobufError(`varint longer than 10 bytes ending at byte ${this.pos}`);
  }

  private skipVarint(): void {
    for (let i = 0; i < 10; i++) if (this.byte() < 0x80) return;
    throw protobufError(`varint longer than 10 bytes ending at byte ${this.pos}`);
  }

  /** Field tag; field number 0 is invalid in protobuf and is how garbage usually shows up. */
  readTag(): number {
    // Fast path: fields 1..15 have one-byte tags, which is nearly every tag in OTLP.
    const p = this.pos;
    if (p < this.limit) {
      const b = this.buf[p]!;
      if (b < 0x80 && b >= 8) {
        this.pos = p + 1;
        return b;
      }
    }
    const tag = this.uint32();
    if (tag >>> 3 === 0) throw protobufError(`field number 0 at byte ${this.pos - 1}`);
    return tag;
  }

  fixed32(): number {
    const p = this.pos;
    if (this.limit - p < 4) this.truncated(4);
    const b = this.buf;
    this.pos = p + 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** Reads a fixed64 into `lo`/`hi` (both unsigned 32-bit). */
  fixed64(): void {
    this.lo = this.fixed32();
    this.hi = this.fixed32();
  }

  double(): number {
    if (this.limit - this.pos < 8) this.truncated(8);
    this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and checks the payload fits in the current message. Leaves `pos` at the payload. */
  len(): number {
    const n = this.uint32();
    if (n > this.limit - this.pos) this.truncated(n);
    return n;
  }

  /** Decodes `len` bytes at `pos` as UTF-8 and moves past them. Call after `len()`. */
  string(len: number): string {
    const p = this.pos;
    this.pos = p + len;
    return this.stringAt(p, len);
  }

  /**
   * Decodes bytes already bounds-checked by an earlier `len()`, without moving `pos`. Short strings are
   * interned per request: a batch repeats the same span names, db systems and (in an N+1, by definition)
   * statements, and hashing plus comparing a few bytes is several times cheaper than a TextDecoder call.
   */
  stringAt(start: number, len: number): string {
    if (len === 0) return "";
    if (len > MAX_INTERNED_BYTES) return utf8.decode(this.buf.subarray(start, start + len));
    const buf = this.buf;
    let h = len;
    for (let i = start, end = start + len; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const hit = this.interned.get(h);
    if (hit !== undefined && hit.len === len && sameBytes(buf, hit.start, start, len)) return hit.str;
    const str = utf8.decode(buf.subarray(start, start + len));
    // On a hash collision the first string keeps the slot; the other simply is not interned.
    if (hit === undefined && this.interned.size < MAX_INTERNED) this.interned.set(h, { start, len, str });
    return str;
  }

  /** Moves past `len` bytes already bounds-checked by `len()` and returns where they start. */
  take(len: number): number {
    const start = this.pos;
    this.pos = start + len;
    return start;
  }

  /**
   * Runs `each` inside every occurrence of the embedded-message field `tag` in the current message, skipping
   * all other fields. `each` must read its message to the end (loop until `atEnd`).
   */
  eachMessage(tag: number, each: () => void): void {
    while (!this.atEnd) {
      const t = this.readTag();
      if (t !== tag) {
        this.skip(t);
        continue;
      }
      const saved = this.enter();
      each();
      this.leave(saved);
    }
  }

  /** Reads a length prefix and narrows the limit to that sub-message. Returns the limit `leave` restores. */
  enter(): number {
    const n = this.len();
    const saved = this.limit;
    this.limit = this.pos + n;
    return saved;
  }

  /** Restores the outer limit once the sub-message is consumed (loops run until `atEnd`, so pos === limit). */
  leave(saved: number): void {
    this.limit = saved;
  }

  /** Skips the value of the field whose tag was just read; unknown fields of any wire type go through here. */
  skip(tag: number): void {
    const wireType = tag & 7;
    switch (wireType) {
      case WireType.Varint:
        this.skipVarint();
        return;
      case WireType.I64:
        if (this.limit - this.pos < 8) this.truncated(8);
        this.pos += 8;
        return;
      case WireType.Len: {
        const n = this.len(); // read before adding: `pos += len()` would add to the stale pos
        this.pos += n;
        return;
      }
      case WireType.I32:
        if (this.limit - this.pos < 4) this.truncated(4);
        this.pos += 4;
        return;
      case WireType.StartGroup:
        this.skipGroup(tag >>> 3);
        return;
      case WireType.EndGroup:
        throw protobufError(`unexpected end-group at byte ${this.pos}`);
      default:
        throw protobufError(`invalid wire type ${wireType} at byte ${this.pos}`);
    }
  }

  /** Skips a (deprecated) group iteratively, with an explicit bounded stack of open field numbers. */
  private skipGroup(field: number): void {
    const open = [field];
    while (open.length > 0) {
      const tag = this.readTag();
      const wireType = tag & 7;
      if (wireType === WireType.EndGroup) {
        if (open.pop() !== tag >>> 3) throw protobufError(`mismatched end-group at byte ${this.pos}`);
      } else if (wireType === WireType.StartGroup) {
        if (open.length >= MAX_GROUP_DEPTH)
          throw protobufError(`groups nested deeper than ${MAX_GROUP_DEPTH}`);
        open.push(tag >>> 3);
      } else {
        this.skip(tag);
      }
    }
  }
}

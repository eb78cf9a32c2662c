/**
 * A tiny protobuf writer for the few small messages we send back (export responses, rpc Status). Nested
 * messages are encoded first and embedded as bytes, which is simplest for messages this small.
 */
import { WireType } from "./protobuf-reader.js";

const encoder = new TextEncoder();

export class ProtoWriter {
  private readonly bytes: number[] = [];

  /** Unsigned varint for any non-negative safe integer (int64 counts included, without BigInt). */
  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`cannot encode ${value} as an unsigned varint`);
    }
    let v = value;
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** Writes a varint field (int32/int64/uint64 with non-negative values); zero is omitted, as proto3 does. */
  uint(field: number, value: number): this {
    if (value !== 0) {
      this.tag(field, WireType.Varint);
      this.varint(value);
    }
    return this;
  }

  /** Writes a string field; the empty string is omitted, as proto3 does. */
  string(field: number, value: string): this {
    if (value !== "") this.bytesField(field, encoder.encode(value));
    return this;
  }

  /** Writes a length-delimited field holding already-encoded bytes (an embedded message). */
  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, WireType.Len);
    this.varint(value.length);
    for (let i = 0; i < value.length; i++) this.bytes.push(value[i]!);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

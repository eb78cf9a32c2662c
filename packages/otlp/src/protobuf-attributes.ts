/** KeyValue / AnyValue reading for the protobuf decoder (opentelemetry/proto/common/v1/common.proto). */
import { type AttrBag, type AttrValue, keyIdFromBytes } from "./attributes.js";
import { type ProtoReader, tagOf, WireType } from "./protobuf-reader.js";

// KeyValue
const T_KEY = tagOf(1, WireType.Len);
const T_VALUE = tagOf(2, WireType.Len);
// AnyValue (kvlist_value=6 and bytes_value=7 are never read), ArrayValue{values=1}
const T_STRING_VALUE = tagOf(1, WireType.Len);
const T_BOOL_VALUE = tagOf(2, WireType.Varint);
const T_INT_VALUE = tagOf(3, WireType.Varint);
const T_DOUBLE_VALUE = tagOf(4, WireType.I64);
const T_ARRAY_VALUE = tagOf(5, WireType.Len);
const T_ARRAY_VALUES = tagOf(1, WireType.Len);

/**
 * Reads an AnyValue spanning the reader's current limit. Primitives are kept, and an array of exactly one
 * primitive reads as that primitive (`aws.dynamodb.table_names: ["users"]`). Other arrays, kvlists and bytes
 * are skipped as opaque length-delimited blobs: an array's element is read with `inArray` set, so nesting
 * never goes deeper than that one level however deep the value goes.
 */
function readAnyValue(r: ProtoReader, inArray = false): AttrValue {
  let value: AttrValue;
  while (!r.atEnd) {
    const tag = r.readTag();
    if (tag === T_STRING_VALUE) value = r.string(r.len());
    else if (tag === T_INT_VALUE) value = r.int64();
    else if (tag === T_BOOL_VALUE) value = r.int64() !== 0;
    else if (tag === T_DOUBLE_VALUE) value = r.double();
    else if (tag === T_ARRAY_VALUE && !inArray) value = readSingleElement(r);
    else {
      r.skip(tag);
      value = undefined; // oneof: a later non-primitive member replaces an earlier primitive
    }
  }
  return value;
}

/** An ArrayValue (reader at its length prefix): its element when it holds exactly one primitive. */
function readSingleElement(r: ProtoReader): AttrValue {
  const saved = r.enter();
  let count = 0;
  let value: AttrValue;
  while (!r.atEnd) {
    const tag = r.readTag();
    if (tag === T_ARRAY_VALUES && ++count === 1) {
      const outer = r.enter();
      value = readAnyValue(r, true);
      r.leave(outer);
    } else {
      r.skip(tag);
    }
  }
  r.leave(saved);
  return count === 1 ? value : undefined;
}

/**
 * Reads one KeyValue (reader at its length prefix) into `bag` when the key is one we use. The key is matched
 * on raw bytes, so unknown attributes cost no string at all. Key and value may come in either order.
 */
export function readKeyValue(r: ProtoReader, bag: AttrBag): void {
  const saved = r.enter();
  let keyStart = -1;
  let keyLen = 0;
  let valueStart = -1;
  let valueEnd = 0;
  while (!r.atEnd) {
    const tag = r.readTag();
    if (tag === T_KEY) {
      keyLen = r.len();
      keyStart = r.take(keyLen);
    } else if (tag === T_VALUE) {
      valueStart = r.take(r.len());
      valueEnd = r.pos;
    } else {
      r.skip(tag);
    }
  }
  if (keyStart >= 0 && valueStart >= 0) {
    const id = keyIdFromBytes(r.buf, keyStart, keyLen);
    if (id >= 0) {
      const end = r.pos;
      r.pos = valueStart;
      r.limit = valueEnd; // restored by `leave` below
      bag.set(id, readAnyValue(r));
      r.pos = end;
    }
  }
  r.leave(saved);
}

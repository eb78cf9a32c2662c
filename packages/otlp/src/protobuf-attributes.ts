/** KeyValue / AnyValue reading for the protobuf decoder (opentelemetry/proto/common/v1/common.proto). */
import { type AttrBag, type AttrValue, keyIdFromBytes } from "./attributes.js";
import { type ProtoReader, tagOf, WireType } from "./protobuf-reader.js";

// KeyValue
const T_KEY = tagOf(1, WireType.Len);
const T_VALUE = tagOf(2, WireType.Len);
// AnyValue (array_value=5, kvlist_value=6, bytes_value=7 are never read)
const T_STRING_VALUE = tagOf(1, WireType.Len);
const T_BOOL_VALUE = tagOf(2, WireType.Varint);
const T_INT_VALUE = tagOf(3, WireType.Varint);
const T_DOUBLE_VALUE = tagOf(4, WireType.I64);

/**
 * Reads an AnyValue spanning the reader's current limit. Only primitives are kept; array, kvlist and bytes
 * values are skipped as opaque length-delimited blobs, so nested values never recurse however deep they go.
 */
function readAnyValue(r: ProtoReader): AttrValue {
  let value: AttrValue;
  while (!r.atEnd) {
    const tag = r.readTag();
    if (tag === T_STRING_VALUE) value = r.string(r.len());
    else if (tag === T_INT_VALUE) value = r.int64();
    else if (tag === T_BOOL_VALUE) value = r.int64() !== 0;
    else if (tag === T_DOUBLE_VALUE) value = r.double();
    else {
      r.skip(tag);
      value = undefined; // oneof: a later non-primitive member replaces an earlier primitive
    }
  }
  return value;
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

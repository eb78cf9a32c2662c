/** OTLP/JSON AnyValue reading, and the error type span-level JSON checks throw. */
import type { AttrValue } from "./attributes.js";

/**
 * A malformed field inside one span (or resource): `field` is the path relative to it, so the caller can
 * prefix where it is. Thrown and caught within the JSON decoder only; never escapes to callers.
 */
export class ShapeError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(field ? `${field}: ${problem}` : problem);
  }
}

function member(o: Record<string, unknown>, camel: string, snake: string): unknown {
  const v = o[camel];
  if (v !== undefined && v !== null) return v;
  const s = o[snake];
  return s === null ? undefined : s;
}

/** int64 per proto3 JSON: a decimal string, or a number from senders that write it unquoted. */
function int64(v: unknown, field: string): number {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^-?\d{1,20}$/.test(v)) return Number(v);
  throw new ShapeError(field, "expected a 64-bit integer (string or number)");
}

/** double per proto3 JSON: a number, or a string for NaN/Infinity (or a quoted number). */
function double(v: unknown, field: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const n = Number(v);
    if (!Number.isNaN(n) || v === "NaN") return n;
  }
  throw new ShapeError(field, "expected a number");
}

/**
 * Reads a primitive AnyValue; an array of exactly one primitive reads as that primitive
 * (`aws.dynamodb.table_names: ["users"]`). Other arrays, kvlists and bytes values are not inspected (the fold
 * never uses them), and an array's element is read with `inArray` set, so nesting cannot recurse.
 */
export function readAnyValue(v: unknown, field: string, inArray = false): AttrValue {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw new ShapeError(field, "expected an AnyValue object");
  const o = v as Record<string, unknown>;
  const s = member(o, "stringValue", "string_value");
  if (s !== undefined) {
    if (typeof s !== "string") throw new ShapeError(`${field}.stringValue`, "expected a string");
    return s;
  }
  const b = member(o, "boolValue", "bool_value");
  if (b !== undefined) {
    if (typeof b !== "boolean") throw new ShapeError(`${field}.boolValue`, "expected a boolean");
    return b;
  }
  const i = member(o, "intValue", "int_value");
  if (i !== undefined) return int64(i, `${field}.intValue`);
  const d = member(o, "doubleValue", "double_value");
  if (d !== undefined) return double(d, `${field}.doubleValue`);
  const a = member(o, "arrayValue", "array_value");
  if (a !== undefined && !inArray) {
    const values = typeof a === "object" ? (a as Record<string, unknown>).values : undefined;
    if (!Array.isArray(values) || values.length !== 1) return undefined;
    return readAnyValue(values[0], `${field}.arrayValue.values[0]`, true);
  }
  return undefined;
}

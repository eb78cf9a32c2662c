/** Trace/span id helpers: binary ids (protobuf) to lower-case hex, and validation of hex ids (JSON). */

const HEX_CODES = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
/** Scratch character codes by id length, reused: ids are 8 or 16 bytes. */
const scratch = new Map<number, number[]>();

/**
 * Lower-case hex of `buf[start, start+len)`, made in one piece: a string built by `+=` is a rope of
 * concatenations (V8 cons strings), three times the memory of the flat string for a span id, and span ids
 * are kept while a span waits for its request span.
 */
export function bytesToHex(buf: Uint8Array, start: number, len: number): string {
  let codes = scratch.get(len);
  if (!codes) {
    codes = new Array<number>(len * 2).fill(0);
    scratch.set(len, codes);
  }
  for (let i = 0; i < len; i++) {
    const b = buf[start + i] as number;
    codes[2 * i] = HEX_CODES[b >> 4] as number;
    codes[2 * i + 1] = HEX_CODES[b & 15] as number;
  }
  return String.fromCharCode.apply(null, codes);
}

export function allZero(buf: Uint8Array, start: number, len: number): boolean {
  for (let i = start, end = start + len; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Whether `buf[a, a+len)` and `buf[b, b+len)` hold the same bytes. */
export function sameBytes(buf: Uint8Array, a: number, b: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

/** Outcome of checking a JSON hex id: the normalised id, or why it is unusable. */
export type HexCheck = { ok: true; hex: string; zero: boolean } | { ok: false; reason: string };

/**
 * Validates a hex id of `chars` characters, case-insensitively, and lower-cases it. All-zero is reported
 * separately because the caller decides: invalid for trace/span ids, "no parent" for parent ids.
 */
export function checkHexId(value: string, chars: number): HexCheck {
  if (value.length !== chars) return { ok: false, reason: `expected ${chars} hex characters` };
  let zero = true;
  let upper = false;
  for (let i = 0; i < chars; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x30) continue;
    zero = false;
    if ((c > 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) continue;
    if (c >= 0x41 && c <= 0x46) {
      upper = true;
      continue;
    }
    return { ok: false, reason: `expected ${chars} hex characters` };
  }
  return { ok: true, hex: upper ? value.toLowerCase() : value, zero };
}

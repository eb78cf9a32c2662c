/** Comparing secrets without leaking, through timing, how much of a guess was right. */
import { createHash, timingSafeEqual } from "node:crypto";

/**
 * True when `given` equals `expected`. Both are hashed first so the comparison always runs over 32 bytes:
 * timingSafeEqual needs equal lengths, and an early return on a length mismatch would tell the token's length.
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

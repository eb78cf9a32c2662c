import { describe, expect, it } from "vitest";
import { nestingPastLimit } from "./json-depth.js";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("nestingPastLimit", () => {
  it("accepts nesting up to the limit and points at the first byte past it", () => {
    expect(nestingPastLimit(bytes("[[[]]]"), 3)).toBe(-1);
    expect(nestingPastLimit(bytes("[[[[]]]]"), 3)).toBe(3);
    expect(nestingPastLimit(bytes('{"a":[{"b":{}}]}'), 4)).toBe(-1);
    expect(nestingPastLimit(bytes('{"a":[{"b":{}}]}'), 3)).toBe(11);
  });

  it("counts depth, not the number of brackets: siblings do not add up", () => {
    expect(nestingPastLimit(bytes("[[],[],[],[],[]]".repeat(100)), 2)).toBe(-1);
  });

  it("ignores brackets inside strings, including after escaped quotes and backslashes", () => {
    expect(nestingPastLimit(bytes(`["[[[[{{{{"]`), 1)).toBe(-1);
    expect(nestingPastLimit(bytes(`["a\\"[[[[", "b"]`), 1)).toBe(-1);
    // `\\` ends in an escaped backslash, so the quote after it closes the string and `[[` counts.
    expect(nestingPastLimit(bytes(`["a\\\\", [[1]]]`), 2)).toBe(9);
    expect(nestingPastLimit(bytes(`["\\\\\\"[[", 1]`), 1)).toBe(-1);
  });

  it("leaves malformed input to JSON.parse", () => {
    expect(nestingPastLimit(bytes(`["never closed [[[[`), 1)).toBe(-1);
    expect(nestingPastLimit(bytes("]]]]"), 1)).toBe(-1);
    expect(nestingPastLimit(bytes(""), 1)).toBe(-1);
  });

  it("takes 16 MB of hostile nesting in well under the time JSON.parse would need", () => {
    const hostile = bytes("[".repeat(8 * 1024 * 1024) + "]".repeat(8 * 1024 * 1024));
    const started = performance.now();
    expect(nestingPastLimit(hostile)).toBe(128);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

import { N1Error } from "@n1radar/core";
import { expect } from "vitest";

/** Runs `fn` and returns the N1Error("bad_request") it must throw; any other outcome fails the test. */
export function badRequest(fn: () => unknown): N1Error {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(N1Error);
  expect((thrown as N1Error).code).toBe("bad_request");
  return thrown as N1Error;
}

/** Small deterministic PRNG (mulberry32) so fuzz tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

import { describe, expect, it } from "vitest";
import { bytesToHex } from "./hex.js";

describe("bytesToHex", () => {
  it("gives lower-case hex of any slice, for span ids, trace ids and other lengths alike", () => {
    const bytes = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff);
    bytes[3] = 0;
    bytes[4] = 0xff;
    for (const [start, len] of [
      [0, 8],
      [3, 16],
      [40, 8],
      [1, 5],
      [0, 16],
    ] as const) {
      expect(bytesToHex(bytes, start, len)).toBe(
        Buffer.from(bytes.subarray(start, start + len)).toString("hex"),
      );
    }
    expect(bytesToHex(new Uint8Array(8), 0, 8)).toBe("0000000000000000");
  });
});

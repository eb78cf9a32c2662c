import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { decodeRecords, encodeRecord, Journal } from "./journal.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "n1-journal-"));
  dirs.push(dir);
  return dir;
}
const body = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const segments = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith(".n1j"))
    .sort();

describe("journal records", () => {
  it("read back what was written, and stop at a torn or corrupt one", () => {
    const a = encodeRecord({ seq: 1, encoding: "protobuf", body: body("first") });
    const b = encodeRecord({ seq: 2, encoding: "json", body: body("second") });
    const whole = Buffer.concat([a, b]);
    const read = decodeRecords(whole);
    expect(read.records.map((r) => [r.seq, r.encoding, text(r.body)])).toEqual([
      [1, "protobuf", "first"],
      [2, "json", "second"],
    ]);
    expect(read.validBytes).toBe(whole.length);
    // Cut inside the second record: only the first is whole.
    expect(decodeRecords(whole.subarray(0, whole.length - 3))).toMatchObject({ validBytes: a.length });
    // A flipped byte in the second's body fails its CRC.
    const corrupt = Buffer.from(whole);
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1);
    expect(decodeRecords(corrupt).records.map((r) => r.seq)).toEqual([1]);
  });
});

describe("Journal", () => {
  it("replays every durable append after a reopen, in order, and numbers on from there", async () => {
    const dir = tempDir();
    const first = await Journal.open(dir);
    expect(first.replay).toEqual([]);
    const appended = ["a", "b", "c"].map((t) => first.journal.append("json", body(t)));
    await Promise.all(appended.map((a) => a.durable));
    expect(appended.map((a) => a.seq)).toEqual([1, 2, 3]);
    // No close(): as after a kill -9, what was fsynced is all there is.
    const second = await Journal.open(dir);
    expect(second.journal.id).toBe(first.journal.id);
    expect(second.replay.map((r) => [r.seq, text(r.body)])).toEqual([
      [1, "a"],
      [2, "b"],
      [3, "c"],
    ]);
    expect(second.journal.append("protobuf", body("d")).seq).toBe(4);
    await second.journal.close();
    await first.journal.close();
  });

  it("shares one fsync among the appends that arrive while one is in flight (group commit)", async () => {
    const dir = tempDir();
    const { journal } = await Journal.open(dir);
    const appends = Array.from({ length: 200 }, (_, i) => journal.append("json", body(`request ${i}`)));
    await Promise.all(appends.map((a) => a.durable));
    // The first append starts a write alone; the other 199 queue behind it and go in one or two more.
    expect(journal.stats().fsyncs).toBeLessThanOrEqual(3);
    expect(journal.stats().fsyncs).toBeGreaterThanOrEqual(2);
    // The negative twin: appends awaited one by one each pay their own fsync.
    for (let i = 0; i < 5; i++) await journal.append("json", body(`alone ${i}`)).durable;
    expect(journal.stats().fsyncs).toBeGreaterThanOrEqual(7);
    await journal.close();
    expect((await Journal.open(dir)).replay).toHaveLength(205);
  });

  it("keeps everything before a torn tail and cuts the file there", async () => {
    const dir = tempDir();
    const { journal } = await Journal.open(dir);
    for (const t of ["one", "two", "three"]) await journal.append("json", body(t)).durable;
    await journal.close();
    const [segment] = segments(dir);
    const path = join(dir, segment!);
    const size = statSync(path).size;
    truncateSync(path, size - 2); // the crash came mid-write of "three"
    const reopened = await Journal.open(dir);
    expect(reopened.replay.map((r) => text(r.body))).toEqual(["one", "two"]);
    expect(statSync(path).size).toBe(decodeRecords(readFileSync(path)).validBytes);
    // Garbage appended after valid records (a torn header) is cut too.
    writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from([1, 2, 3])]));
    expect((await Journal.open(dir)).replay).toHaveLength(2);
  });

  it("deletes a closed segment once the watermark passes its last batch, never one still needed", async () => {
    const dir = tempDir();
    const { journal } = await Journal.open(dir, { segmentBytes: 1 }); // every write closes its segment
    for (let i = 0; i < 4; i++) await journal.append("json", body(`batch ${i + 1}`)).durable;
    expect(segments(dir)).toHaveLength(4);
    // Batch 3 is still held (say, a trace waiting for its request span): 1 and 2 may go.
    expect(await journal.release(3)).toBe(3);
    expect(segments(dir)).toHaveLength(2);
    expect(await journal.release(3)).toBe(3);
    expect(await journal.release(5)).toBe(5);
    expect(segments(dir)).toEqual([]);
    await journal.close();
  });

  it("rolls a quiet segment once everything in it is released, so it can be deleted", async () => {
    const dir = tempDir();
    const { journal } = await Journal.open(dir);
    await journal.append("json", body("only")).durable;
    await journal.rollIfReleased(1); // batch 1 still held: the segment stays open
    expect(await journal.release(1)).toBe(1);
    expect(segments(dir)).toHaveLength(1);
    await journal.rollIfReleased(2);
    expect(await journal.release(2)).toBe(2);
    expect(segments(dir)).toEqual([]);
    await journal.close();
  });
});

/**
 * INGEST_DURABLE's ingest journal: every accepted export request's body, appended to a segment file and fsynced
 * before the sender gets its 200 / OK, so a crash loses nothing acknowledged. A restart replays what the journal
 * still holds; a segment goes once every trace in it is judged and stored (the pipeline's watermark).
 *
 * Group commit: appends that arrive while a write and its fsync are in flight are written together and share the
 * next fsync, so a busy receiver pays one fsync per batch of requests, not one per request.
 *
 * A record is [u32 body length][u32 CRC-32][u64 sequence number][u8 encoding][body]; the CRC covers everything after
 * itself. A record cut short or failing its CRC (a crash mid-write) ends the segment's replay: everything before
 * it is kept, and the file is truncated there.
 */
import { randomUUID } from "node:crypto";
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  truncate,
  unlink,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";

export type JournalEncoding = "protobuf" | "json";

export interface JournalRecord {
  seq: number;
  encoding: JournalEncoding;
  body: Uint8Array;
}

const HEADER_BYTES = 4 + 4 + 8 + 1;
const ENCODINGS: readonly JournalEncoding[] = ["protobuf", "json"];
/** A segment is closed past this size; only closed segments are deleted. */
export const SEGMENT_BYTES = 64 * 1024 * 1024;
const SEGMENT = /^segment-(\d{16})\.n1j$/;

const segmentName = (firstSeq: number) => `segment-${String(firstSeq).padStart(16, "0")}.n1j`;

export function encodeRecord(record: JournalRecord): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + record.body.length);
  out.writeUInt32LE(record.body.length, 0);
  out.writeBigUInt64LE(BigInt(record.seq), 8);
  out.writeUInt8(ENCODINGS.indexOf(record.encoding), 16);
  out.set(record.body, HEADER_BYTES);
  out.writeUInt32LE(crc32(out.subarray(8)), 4);
  return out;
}

/**
 * The whole records at the start of `data`, and where the first torn or corrupt one begins (data.length when
 * there is none).
 */
export function decodeRecords(data: Uint8Array): { records: JournalRecord[]; validBytes: number } {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const records: JournalRecord[] = [];
  let at = 0;
  while (at + HEADER_BYTES <= buf.length) {
    const length = buf.readUInt32LE(at);
    const end = at + HEADER_BYTES + length;
    if (end > buf.length) break;
    if (crc32(buf.subarray(at + 8, end)) !== buf.readUInt32LE(at + 4)) break;
    const encoding = ENCODINGS[buf.readUInt8(at + 16)];
    if (!encoding) break;
    records.push({
      seq: Number(buf.readBigUInt64LE(at + 8)),
      encoding,
      body: buf.subarray(at + HEADER_BYTES, end),
    });
    at = end;
  }
  return { records, validBytes: at };
}

interface Segment {
  path: string;
  firstSeq: number;
  lastSeq: number;
  bytes: number;
}

export interface JournalStats {
  segments: number;
  bytes: number;
  fsyncs: number;
}

export interface JournalOptions {
  /** Closes a segment past this size (default SEGMENT_BYTES). */
  segmentBytes?: number;
  /** Told how long each write + fsync took, in seconds. */
  onSync?: (seconds: number) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class Journal {
  private current: { segment: Segment; file: FileHandle } | undefined;
  private queued: Buffer[] = [];
  private queuedSeqs: number[] = [];
  private waiters: Waiter[] = [];
  private writing: Promise<void> | undefined;
  private fsyncs = 0;
  private closed = false;

  private constructor(
    private readonly dir: string,
    /** Names this journal in the store (journal_requests), so replicas' journals never mix. */
    readonly id: string,
    private readonly closedSegments: Segment[],
    private nextSeq: number,
    private readonly options: JournalOptions,
  ) {}

  /**
   * Opens (creating) the journal in `dir`: reads every segment, cuts a torn tail, and returns what to replay,
   * oldest first. New appends go to a new segment.
   */
  static async open(
    dir: string,
    options: JournalOptions = {},
  ): Promise<{ journal: Journal; replay: JournalRecord[] }> {
    await mkdir(dir, { recursive: true });
    const idFile = join(dir, "journal-id");
    let id: string;
    try {
      id = (await readFile(idFile, "utf8")).trim();
    } catch {
      id = randomUUID();
      await writeFile(idFile, `${id}\n`);
    }
    const names = (await readdir(dir)).filter((n) => SEGMENT.test(n)).sort();
    const segments: Segment[] = [];
    const replay: JournalRecord[] = [];
    let nextSeq = 1;
    for (const name of names) {
      const path = join(dir, name);
      const data = await readFile(path);
      const { records, validBytes } = decodeRecords(data);
      if (validBytes < data.length) await truncate(path, validBytes);
      if (records.length === 0) {
        await unlink(path);
        continue;
      }
      const firstSeq = records[0]!.seq;
      const lastSeq = records.at(-1)!.seq;
      segments.push({ path, firstSeq, lastSeq, bytes: validBytes });
      replay.push(...records);
      nextSeq = Math.max(nextSeq, lastSeq + 1);
    }
    return { journal: new Journal(dir, id, segments, nextSeq, options), replay };
  }

  /**
   * Appends one request's body; `durable` resolves once it is on disk (fsynced), and rejects if the write failed.
   * `seq` is its place in the journal, for the pipeline's watermark.
   */
  append(encoding: JournalEncoding, body: Uint8Array): { seq: number; durable: Promise<void> } {
    if (this.closed) throw new Error("the ingest journal is closed");
    const seq = this.nextSeq++;
    this.queued.push(encodeRecord({ seq, encoding, body }));
    this.queuedSeqs.push(seq);
    const durable = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.writing ??= this.writeQueued();
    return { seq, durable };
  }

  /** Every append so far is on disk (or failed). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeQueued(): Promise<void> {
    while (this.queued.length > 0) {
      const records = this.queued;
      const seqs = this.queuedSeqs;
      const waiters = this.waiters;
      this.queued = [];
      this.queuedSeqs = [];
      this.waiters = [];
      const began = performance.now();
      try {
        const current = await this.segmentFor(seqs[0]!);
        const data = records.length === 1 ? records[0]! : Buffer.concat(records);
        await current.file.write(data, 0, data.length, current.segment.bytes);
        await current.file.datasync();
        this.fsyncs++;
        current.segment.bytes += data.length;
        current.segment.lastSeq = seqs.at(-1)!;
        this.options.onSync?.((performance.now() - began) / 1000);
        for (const w of waiters) w.resolve();
        if (current.segment.bytes >= (this.options.segmentBytes ?? SEGMENT_BYTES)) await this.closeCurrent();
      } catch (error) {
        const failed = new Error(`the ingest journal could not be written: ${(error as Error).message}`);
        for (const w of waiters) w.reject(failed);
      }
    }
    this.writing = undefined;
  }

  private async segmentFor(firstSeq: number): Promise<{ segment: Segment; file: FileHandle }> {
    if (this.current) return this.current;
    const path = join(this.dir, segmentName(firstSeq));
    const file = await open(path, "w");
    this.current = { segment: { path, firstSeq, lastSeq: firstSeq - 1, bytes: 0 }, file };
    return this.current;
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    await current.file.close();
    if (current.segment.bytes > 0) this.closedSegments.push(current.segment);
  }

  /**
   * Deletes the closed segments wholly below `watermark` (the lowest batch still held unjudged or unstored), and
   * returns the first batch the journal still holds: rows of journal_requests below it can go.
   */
  async release(watermark: number): Promise<number> {
    while (this.closedSegments.length > 0 && this.closedSegments[0]!.lastSeq < watermark) {
      const segment = this.closedSegments.shift()!;
      await unlink(segment.path);
    }
    return this.closedSegments[0]?.firstSeq ?? this.current?.segment.firstSeq ?? this.nextSeq;
  }

  /**
   * Closes the segment being written when everything in it is below `watermark`, so release() can delete it: on
   * a quiet service the last segment would otherwise stay until it filled.
   */
  async rollIfReleased(watermark: number): Promise<void> {
    if (this.writing || this.queued.length > 0) return;
    const current = this.current;
    if (current && current.segment.bytes > 0 && current.segment.lastSeq < watermark)
      await this.closeCurrent();
  }

  stats(): JournalStats {
    const segments = [...this.closedSegments, ...(this.current ? [this.current.segment] : [])];
    return {
      segments: segments.length,
      bytes: segments.reduce((n, s) => n + s.bytes, 0),
      fsyncs: this.fsyncs,
    };
  }

  /** Writes what is queued, then closes the file (the segments stay for the next start). */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flushed();
    this.closed = true;
    await this.closeCurrent();
  }
}

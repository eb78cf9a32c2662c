/**
 * Reads the OTLP/JSON files teams already have: one ExportTraceServiceRequest, an array of them, or the JSON
 * lines the OpenTelemetry Collector's file exporter writes (one request per line), optionally gzipped. Every
 * problem becomes an InputError naming the line, never a stack trace.
 */
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { N1Error, type SpanRecord } from "@n1radar/core";
import { decodeJsonTraces } from "@n1radar/otlp";

export class InputError extends Error {}

export interface TraceFile {
  spans: SpanRecord[];
  /** Export requests read. */
  requests: number;
  /** Spans the decoder rejected (bad ids, malformed fields); the rest are analyzed. */
  rejected: number;
  errors: string[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

function decodeRequest(bytes: Uint8Array, where: string, out: TraceFile): void {
  try {
    const result = decodeJsonTraces(bytes);
    out.requests++;
    for (const span of result.spans) out.spans.push(span);
    out.rejected += result.rejected;
    for (const e of result.errors) if (out.errors.length < 5) out.errors.push(`${where}: ${e}`);
  } catch (error) {
    if (error instanceof N1Error) throw new InputError(`${where}: ${error.message}`);
    throw error;
  }
}

export function parseTraceText(bytes: Uint8Array): TraceFile {
  const out: TraceFile = { spans: [], requests: 0, rejected: 0, errors: [] };
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new InputError(`the file looks gzipped but does not decompress: ${(error as Error).message}`);
    }
  }
  if (bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f && bytes[3] === 0xfd)
    throw new InputError("zstd-compressed files are not supported: decompress first (zstd -d)");
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new InputError("the file is not UTF-8 text: expected OTLP/JSON (protobuf files are not supported)");
  }
  const trimmed = text.trim();
  if (trimmed === "") throw new InputError("the file is empty");
  if (trimmed.startsWith("[")) {
    let list: unknown;
    try {
      list = JSON.parse(trimmed);
    } catch (error) {
      throw new InputError(`not valid JSON: ${(error as Error).message}`);
    }
    (list as unknown[]).forEach((item, i) => {
      decodeRequest(encoder.encode(JSON.stringify(item)), `request [${i}]`, out);
    });
    return out;
  }
  if (!trimmed.startsWith("{"))
    throw new InputError("expected OTLP/JSON: an ExportTraceServiceRequest, an array of them, or JSON lines");
  // One document, or JSON lines (the file exporter); a single line is both.
  const lines = trimmed.split(/\r?\n/);
  if (lines.length === 1) {
    decodeRequest(encoder.encode(trimmed), "request", out);
    return out;
  }
  let whole = true;
  try {
    JSON.parse(trimmed);
  } catch {
    whole = false;
  }
  if (whole) {
    decodeRequest(encoder.encode(trimmed), "request", out);
    return out;
  }
  lines.forEach((line, i) => {
    if (line.trim() !== "") decodeRequest(encoder.encode(line), `line ${i + 1}`, out);
  });
  return out;
}

export async function readTraceFile(path: string): Promise<TraceFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (error as Error).message;
    throw new InputError(`cannot read ${path}: ${why}`);
  }
  return parseTraceText(bytes);
}

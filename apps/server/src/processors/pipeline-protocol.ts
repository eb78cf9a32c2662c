/**
 * What the thread that serves sockets and a pipeline worker (pipeline-worker.ts) exchange, and how workers'
 * counters add up: the shard a trace goes to, the sum of their snapshots.
 */
import type { IgnoreRule, SpanRecord } from "@n1radar/core";
import type { AssemblerSettings, DetectorSettings } from "@n1radar/detector";
import type { PipelineSnapshot } from "./pipeline.js";

/** What a worker is started with (structured-cloned into it). */
export interface WorkerInit {
  databaseUrl: string;
  detector: DetectorSettings;
  assembler: AssemblerSettings;
  flushIntervalMs: number;
  ignoreRules: IgnoreRule[];
  logLevel: string;
  /** INGEST_DURABLE: the journal's id, and the requests it replays that are already stored (see Pipeline). */
  journal?: string;
  storedRequests?: string[];
}

export type ToWorker =
  | { type: "spans"; spans: readonly SpanRecord[]; seq?: number }
  | { type: "tick" }
  | { type: "rules"; rules: IgnoreRule[] }
  | { type: "flush" | "drain" | "close"; id: number };

export type FromWorker =
  | { type: "ready" }
  | { type: "startFailed"; error: string }
  | { type: "taken"; spans: number; failed: number }
  /** `taken`: span messages taken so far; `heldFromSeq`: the pipeline's, after them. */
  | { type: "stats"; stats: PipelineSnapshot; taken: number; heldFromSeq: number }
  | { type: "flushed"; offenders: number }
  | { type: "wrote"; seconds: number }
  | { type: "writeError"; message: string }
  | { type: "done"; id: number; error?: string };

/** FNV-1a over the trace id: stable, cheap, and spread evenly over random ids. */
export function shardOf(traceId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < traceId.length; i++) hash = Math.imul(hash ^ traceId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}

export const EMPTY_SNAPSHOT: PipelineSnapshot = {
  spansAccepted: 0,
  tracesJudged: 0,
  findings: 0,
  flushes: 0,
  openTraces: 0,
  openSpans: 0,
  quietestTouchedAt: null,
  judgedTraces: 0,
  rememberedIds: 0,
  droppedSpans: 0,
  evictedTraces: 0,
  timedOutTraces: 0,
  releasedRequests: 0,
  lateRequestSpans: 0,
  lateSpans: 0,
  duplicateSpans: 0,
  forgottenTraces: 0,
};

/** Adds worker snapshots: counters sum, the quietest open trace is the oldest of all. */
export function sumSnapshots(snapshots: readonly PipelineSnapshot[]): PipelineSnapshot {
  const total: PipelineSnapshot = { ...EMPTY_SNAPSHOT };
  for (const s of snapshots)
    for (const key of Object.keys(total) as (keyof PipelineSnapshot)[]) {
      if (key === "quietestTouchedAt") {
        const t = s.quietestTouchedAt;
        if (t !== null && (total.quietestTouchedAt === null || t < total.quietestTouchedAt))
          total.quietestTouchedAt = t;
      } else total[key] += s[key] ?? 0;
    }
  return total;
}

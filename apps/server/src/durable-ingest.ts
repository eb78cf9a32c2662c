/**
 * INGEST_DURABLE around the journal (journal.ts): replaying it at start-up, and letting its segments go as the
 * pipeline finishes with them.
 */
import type { Store } from "@n1radar/db";
import * as otlp from "@n1radar/otlp";
import type { IngestQueue } from "./ingest-queue.js";
import type { Journal, JournalRecord } from "./journal.js";
import { log } from "./log.js";
import type { PipelineHandle } from "./pipeline.js";

/** How often segments are released and journal_traces pruned. */
const RELEASE_INTERVAL_MS = 1_000;

/**
 * Feeds what the journal still holds to the pipeline, before the service listens: requests acknowledged but not
 * judged and stored when the process stopped. Spans of traces whose findings are already stored are skipped, so
 * nothing is counted twice.
 */
export async function replayJournal(
  records: readonly JournalRecord[],
  journal: Journal,
  store: Store,
  queue: IngestQueue,
): Promise<{ requests: number; spans: number; skipped: number }> {
  const stored = new Set(await store.listJournalTraces(journal.id));
  let spans = 0;
  let skipped = 0;
  for (const record of records) {
    const decoded =
      record.encoding === "protobuf"
        ? otlp.decodeProtobufTraces(record.body)
        : otlp.decodeJsonTraces(record.body);
    const fresh = decoded.spans.filter((span) => !stored.has(span.traceId));
    skipped += decoded.spans.length - fresh.length;
    spans += fresh.length;
    // The queue feeds the pipeline on later turns of the event loop; wait for room as a sender would.
    while (!queue.offer(fresh, record.seq)) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (records.length > 0)
    log.info(
      { requests: records.length, spans, skipped },
      "replayed the ingest journal: acknowledged requests not yet judged and stored when n1radar last stopped",
    );
  return { requests: records.length, spans, skipped };
}

/**
 * Deletes journal segments the pipeline no longer needs and prunes journal_traces with them, at most once a
 * second (`tick`), never two at once.
 */
export class JournalReleaser {
  private lastRun = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | undefined;

  constructor(
    private readonly journal: Journal,
    private readonly store: Store,
    private readonly queue: IngestQueue,
    private readonly pipeline: PipelineHandle,
  ) {}

  /** The lowest journal batch still queued or held by the pipeline (Infinity when none). */
  watermark(): number {
    return Math.min(this.queue.lowestSeq, this.pipeline.heldFromSeq());
  }

  tick(now = Date.now()): void {
    if (this.running || now - this.lastRun < RELEASE_INTERVAL_MS) return;
    this.lastRun = now;
    this.running = this.release()
      .catch((error: unknown) => log.error({ err: error }, "releasing ingest journal segments failed"))
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Releases now (after the shutdown drain: a clean stop leaves an empty journal). */
  async release(): Promise<void> {
    const watermark = this.watermark();
    await this.journal.rollIfReleased(watermark);
    const firstKept = await this.journal.release(watermark);
    await this.store.pruneJournalTraces(this.journal.id, firstKept);
  }

  async idle(): Promise<void> {
    await this.running;
  }
}

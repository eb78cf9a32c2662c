/**
 * INGEST_DURABLE around the journal (journal.ts): replaying it at start-up, and letting its segments go as the
 * pipeline finishes with them.
 */
import type { Store } from "@n1radar/db";
import * as otlp from "@n1radar/otlp";
import { log } from "../log.js";
import type { Journal, JournalRecord } from "../receivers/journal.js";
import type { IngestQueue } from "./ingest-queue.js";
import type { PipelineHandle } from "./pipeline.js";

/** How often segments are released and journal_requests pruned. */
const RELEASE_INTERVAL_MS = 1_000;

/**
 * Feeds what the journal still holds to the pipeline, before the service listens: requests acknowledged but not
 * judged and stored when the process stopped. Their traces are judged again whole; the requests among them whose
 * findings were already stored add nothing (the pipeline's `storedRequests`), so nothing is counted twice.
 */
export async function replayJournal(
  records: readonly JournalRecord[],
  queue: IngestQueue,
): Promise<{ requests: number; spans: number }> {
  let spans = 0;
  for (const record of records) {
    const decoded =
      record.encoding === "protobuf"
        ? otlp.decodeProtobufTraces(record.body)
        : otlp.decodeJsonTraces(record.body);
    spans += decoded.spans.length;
    // The queue feeds the pipeline on later turns of the event loop; wait for room as a sender would.
    while (!queue.offer(decoded.spans, record.seq)) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (records.length > 0)
    log.info(
      { requests: records.length, spans },
      "replayed the ingest journal: acknowledged requests not yet judged and stored when n1radar last stopped",
    );
  return { requests: records.length, spans };
}

/**
 * Deletes journal segments the pipeline no longer needs and prunes journal_requests with them, at most once a
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
    await this.store.pruneJournalRequests(this.journal.id, firstKept);
  }

  async idle(): Promise<void> {
    await this.running;
  }
}

import type { Finding, Guidance } from "@n1radar/core";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "./open.js";
import { occurrences, offenders } from "./schema.js";

export interface FindingToRecord {
  offenderId: string;
  finding: Finding;
  guidance: Guidance;
}

/** How many recent occurrences the median repeats is computed over. */
const MEDIAN_WINDOW = 101;

function median(sorted: number[]): number {
  if (sorted.length === 0) return 0;
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Records a batch of findings in one transaction: upsert each offender, append its occurrence. */
export function recordFindings(db: Db, batch: readonly FindingToRecord[]): void {
  if (batch.length === 0) return;
  db.transaction((tx) => {
    for (const { offenderId, finding, guidance } of batch) {
      const existing = tx.select().from(offenders).where(eq(offenders.id, offenderId)).get();
      const seenBefore = existing
        ? tx
            .select({ id: occurrences.id })
            .from(occurrences)
            .where(and(eq(occurrences.offenderId, offenderId), eq(occurrences.traceId, finding.traceId)))
            .limit(1)
            .get()
        : undefined;
      const sample = {
        sampleTraceId: finding.traceId,
        sampleSpans: finding.spans,
        codeFunction: finding.code?.function ?? null,
        codeFile: finding.code?.file ?? null,
        codeLine: finding.code?.line ?? null,
      };
      if (!existing) {
        tx.insert(offenders)
          .values({
            id: offenderId,
            kind: finding.kind,
            service: finding.service,
            endpoint: finding.endpoint,
            statement: finding.statement,
            fingerprint: finding.fingerprint,
            sourceStatement: finding.sourceStatement,
            dbSystem: finding.dbSystem,
            orm: guidance.orm,
            guidance,
            repeatsMax: finding.repeats,
            repeatsMedian: finding.repeats,
            occurrences: 1,
            traces: 1,
            wastedMs: finding.wastedMs,
            firstSeen: finding.seenAtMs,
            lastSeen: finding.seenAtMs,
            ...sample,
          })
          .run();
      }
      tx.insert(occurrences)
        .values({
          offenderId,
          traceId: finding.traceId,
          repeats: finding.repeats,
          totalMs: finding.totalMs,
          wastedMs: finding.wastedMs,
          seenAt: finding.seenAtMs,
        })
        .run();
      if (!existing) continue;
      const recent = tx
        .select({ repeats: occurrences.repeats })
        .from(occurrences)
        .where(eq(occurrences.offenderId, offenderId))
        .orderBy(desc(occurrences.id))
        .limit(MEDIAN_WINDOW)
        .all()
        .map((r) => r.repeats)
        .sort((a, b) => a - b);
      const betterSample = finding.repeats >= existing.repeatsMax;
      tx.update(offenders)
        .set({
          repeatsMax: Math.max(existing.repeatsMax, finding.repeats),
          repeatsMedian: median(recent),
          occurrences: sql`${offenders.occurrences} + 1`,
          traces: seenBefore ? existing.traces : existing.traces + 1,
          wastedMs: sql`${offenders.wastedMs} + ${finding.wastedMs}`,
          firstSeen: Math.min(existing.firstSeen, finding.seenAtMs),
          lastSeen: Math.max(existing.lastSeen, finding.seenAtMs),
          // The newest ORM evidence and guidance win: detection and guidance improve between versions.
          orm: guidance.orm,
          guidance,
          sourceStatement: finding.sourceStatement ?? existing.sourceStatement,
          ...(betterSample ? sample : {}),
        })
        .where(eq(offenders.id, offenderId))
        .run();
    }
  });
}

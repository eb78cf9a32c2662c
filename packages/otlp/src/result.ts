import type { SpanRecord } from "@n1radar/core";

/** What both decoders return: the valid spans, plus how many were rejected individually and why. */
export interface DecodeResult {
  spans: SpanRecord[];
  /** Spans dropped for invalid ids or malformed fields; the rest of the request is still accepted. */
  rejected: number;
  /** The first few rejection messages (at most MAX_ERROR_MESSAGES), each naming the span's path. */
  errors: string[];
}

/** Enough to tell a sender what is wrong without letting a bad batch build a huge response. */
export const MAX_ERROR_MESSAGES = 5;

/** Path of a span inside the request, in OTLP/JSON field names (used for both encodings). */
export function spanPath(resourceIndex: number, scopeIndex: number, spanIndex: number): string {
  return `resourceSpans[${resourceIndex}].scopeSpans[${scopeIndex}].spans[${spanIndex}]`;
}

export class ResultBuilder {
  readonly spans: SpanRecord[] = [];
  rejected = 0;
  readonly errors: string[] = [];

  /**
   * Counts a rejected span; the message (span path, field within it, problem) is only built while there is
   * room for it, so a batch of a million bad spans costs a counter, not a million strings.
   */
  reject(rs: number, ss: number, sp: number, field: string, problem: string): void {
    this.rejected++;
    if (this.errors.length >= MAX_ERROR_MESSAGES) return;
    const path = spanPath(rs, ss, sp);
    this.errors.push(field ? `${path}.${field}: ${problem}` : `${path}: ${problem}`);
  }

  result(): DecodeResult {
    return { spans: this.spans, rejected: this.rejected, errors: this.errors };
  }
}

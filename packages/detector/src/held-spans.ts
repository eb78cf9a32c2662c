import type { SpanRecord } from "@n1radar/core";

/**
 * Makes a span cheaper to hold while it waits for its request span: its repeated strings (span name, statement,
 * database system, namespace, operation, collection) become one shared copy. Decoders make a fresh string per
 * span, and a waiting request's queries repeat the same few, so this is most of what a held span costs beyond
 * its ids. Only spans that stay waiting pay for it; the table is bounded and starts over when full, so unique
 * statements (literals inlined) cost a lookup and nothing more.
 */
export class StringTable {
  private readonly table = new Map<string, string>();

  constructor(private readonly maxEntries = 50_000) {}

  intern(value: string): string {
    const shared = this.table.get(value);
    if (shared !== undefined) return shared;
    if (this.table.size >= this.maxEntries) this.table.clear();
    this.table.set(value, value);
    return value;
  }

  internOrNull(value: string | null): string | null {
    return value === null ? null : this.intern(value);
  }

  get size(): number {
    return this.table.size;
  }
}

export function shareStrings(span: SpanRecord, table: StringTable): void {
  span.name = table.intern(span.name);
  const db = span.db;
  if (db === null) return;
  db.statement = table.internOrNull(db.statement);
  db.system = table.internOrNull(db.system);
  db.namespace = table.internOrNull(db.namespace);
  db.operation = table.internOrNull(db.operation);
  db.collection = table.internOrNull(db.collection);
}

/** Offenders stored the way the pipeline stores them, for API tests that need some without sending traces. */
import { type Finding, FindingAccumulator, type Guidance } from "@n1radar/core";
import type { Store } from "@n1radar/db";
import { offenderId } from "@n1radar/detector";

/** Guidance as the store keeps it, enough for the API to answer with. */
export const guidance: Guidance = {
  orm: "sqlalchemy",
  ormName: "SQLAlchemy",
  confidence: 0.9,
  summary: "Eager-load it",
  why: "why",
  before: null,
  after: null,
  verify: "verify",
};

/** Folds `findings` into offenders and writes them in one flush, as the pipeline does. */
export async function recordFindings(store: Store, findings: readonly Finding[]): Promise<void> {
  const acc = new FindingAccumulator(offenderId);
  acc.addTrace(findings);
  await store.recordDeltas(acc.drain().map((delta) => ({ delta, guidance: () => guidance })));
}

import { type Detector, groupFinding, type Reported, type RequestContext } from "./report.js";

/**
 * Repeated writes: an INSERT, UPDATE or DELETE (or a store's put/set/index) per row, where one bulk statement
 * would do. Its own kind, because the fix is a bulk write rather than eager loading.
 *
 *   POST /import
 *   ├─ SELECT ... FROM products                 <- source: the rows being written back, when there is one
 *   ├─ BEGIN / SAVEPOINT                        <- control statements: never counted
 *   ├─ INSERT INTO line_items (...) VALUES (?)  ┐
 *   ├─ INSERT INTO line_items (...) VALUES (?)  │ >= minRepeats successful calls
 *   └─ INSERT INTO line_items (...) VALUES (?)  ┘
 *
 * One multi-row INSERT, or a driver's executemany reported as one span, is a single call and never fires.
 */
export const repeatedWriteDetector: Detector = {
  name: "repeated_write",
  detect(ctx: RequestContext): Reported[] {
    const { settings, groups } = ctx;
    const findings: Reported[] = [];
    for (const group of groups) {
      if (group.calls[0]?.key.op !== "write" || group.calls.length < settings.minRepeats) continue;
      findings.push(groupFinding(ctx, "repeated_write", group));
    }
    return findings;
  },
};

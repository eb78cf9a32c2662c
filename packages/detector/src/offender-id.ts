import { createHash } from "node:crypto";
import type { Finding } from "@n1radar/core";

/**
 * The offender a finding belongs to: the same N+1 in a thousand traces is one offender.
 * Keyed by (service, endpoint, kind, statement fingerprint); stable across restarts and replicas.
 */
export function offenderId(finding: Pick<Finding, "service" | "endpoint" | "kind" | "fingerprint">): string {
  return createHash("sha256")
    .update(`${finding.service}\u0000${finding.endpoint}\u0000${finding.kind}\u0000${finding.fingerprint}`)
    .digest("hex")
    .slice(0, 16);
}

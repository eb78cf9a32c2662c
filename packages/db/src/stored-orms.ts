import type { Guidance } from "@n1radar/core";
import { isNotNull } from "drizzle-orm";
import type { Db } from "./open.js";
import { offenders } from "./schema.js";

/** A stored offender's statement and the guidance (ORM, confidence, evidence) it was given. */
export interface StoredOrm {
  service: string;
  statement: string;
  guidance: Guidance;
}

/**
 * Offenders whose guidance named an ORM, so that the server, after a restart, still knows each service's ORM
 * (guidance's ServiceOrms). One pass over the offenders at start-up; the rows are few (one per offender).
 */
export function storedOrms(db: Db): StoredOrm[] {
  return db
    .select({ service: offenders.service, statement: offenders.statement, guidance: offenders.guidance })
    .from(offenders)
    .where(isNotNull(offenders.orm))
    .all()
    .map((row) => ({ ...row, guidance: row.guidance as Guidance }));
}

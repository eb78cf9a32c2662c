import type { Db } from "@n1radar/db";
import type { IgnoreRuleCache } from "../ignore-rules.js";
import type { IngestStats } from "../ingest-stats.js";
import type { LiveHub } from "./events.js";

/** What every route module shares. */
export interface ApiContext {
  db: Db;
  live: LiveHub;
  ignoreRules: IgnoreRuleCache;
  ingest: IngestStats;
  traceUrlTemplate: string | null;
  otlpHttpPort: number;
  now: () => number;
}

import type { Store } from "@n1radar/db";
import type { DetectorSettings } from "@n1radar/detector";
import type { AccessSettings } from "../access/access.js";
import type { Acknowledgement } from "../detector-settings.js";
import type { LiveHub } from "../exporters/live-updates.js";
import type { IgnoreRuleCache } from "../ignore-rules.js";
import type { IngestStats } from "../processors/ingest-stats.js";

/** What every route module shares. */
export interface ApiContext {
  db: Store;
  live: LiveHub;
  ignoreRules: IgnoreRuleCache;
  /** The pipeline's detector settings (thresholds, N1_IGNORE), so explanations match what the server decides. */
  detector: DetectorSettings;
  ingest: IngestStats;
  traceUrlTemplate: string | null;
  otlpHttpPort: number;
  access: AccessSettings;
  /** The rules file's acknowledgements, shown on the offenders they name. */
  acknowledgements: readonly Acknowledgement[];
  now: () => number;
}

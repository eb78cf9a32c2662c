export {
  EXAMPLES,
  FindingAccumulator,
  type HourDelta,
  histogramMedian,
  type OffenderDelta,
} from "./accumulator.js";
export {
  type AssemblerSettings,
  type AssemblerStats,
  defaultAssemblerSettings,
  TraceAssembler,
} from "./assembler.js";
export { type NormalizedStatement, normalizeSql } from "./fingerprint.js";
export { detectNPlusOne, fingerprintOf } from "./n-plus-one.js";
export { offenderId } from "./offender-id.js";
export { type DetectorSettings, defaultDetectorSettings } from "./settings.js";
export { type StatementKey, statementKey } from "./statement.js";

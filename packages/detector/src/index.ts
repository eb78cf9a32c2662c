export { TraceAssembler } from "./assembler.js";
export { type AssemblerSettings, type AssemblerStats, defaultAssemblerSettings } from "./assembler-state.js";
export { DETECTORS, detect } from "./detect.js";
export { explain, type GroupExplanation, type RequestExplanation, type Verdict } from "./explain.js";
export { type NormalizedStatement, normalizeSql } from "./fingerprint.js";
export { type IgnoreRule, type IgnoreTarget, isIgnored, matchesIgnoreRule } from "./ignore.js";
export { offenderId } from "./offender-id.js";
export { redactSpanName, templatePath } from "./redact.js";
export { type Detector, fingerprintOf, type RequestContext } from "./report.js";
export { explainSample, type SampleExplanation, type SampleOrigin, spansOfSample } from "./sample-trace.js";
export {
  type DetectorSettings,
  defaultDetectorSettings,
  type EndpointOverride,
  endpointOverrideFor,
  settingsFor,
  type Thresholds,
} from "./settings.js";
export { type CallOp, classifySql } from "./sql-shape.js";
export { type StatementKey, statementKey } from "./statement.js";
export { endpointOf, type Request, TraceView, UNKNOWN_ENDPOINT } from "./trace-view.js";

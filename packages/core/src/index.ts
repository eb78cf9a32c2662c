export * from "./accumulator.js";
export * from "./api.js";
export * from "./errors.js";
export * from "./finding.js";
export * from "./guidance.js";
export * from "./offender.js";
export * from "./savings.js";
export * from "./span.js";

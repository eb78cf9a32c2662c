/**
 * `@n1radar/core/schemas`: the API's request and response shapes as zod schemas. A separate entry so that the
 * main one stays free of zod at run time: the dashboard imports its types from there, never these values.
 */

export * from "./alerts.js";
export * from "./offender.js";
export * from "./requests.js";
export * from "./responses.js";

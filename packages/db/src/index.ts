export { type Db, openStore, type Store, sqlitePath } from "./open.js";
export { getOffender, type ListOptions, listOffenders } from "./query.js";
export { type OffenderWrite, recordDeltas } from "./record.js";
export * as schema from "./schema.js";

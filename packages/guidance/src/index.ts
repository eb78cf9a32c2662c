export { guidanceFor } from "./guidance.js";
export { ORMS } from "./orms/index.js";
export { plainSql } from "./orms/plain-sql.js";
export { languageOf, type OrmMatch, type RecognitionInput, recognizeOrm } from "./recognize.js";
export { inferChain, inferRelationship, nameRelationship, type Relationship } from "./relationship.js";
export { SERVICE_EVIDENCE, type ServiceOrm, ServiceOrms } from "./service-orm.js";
export { parseStatement } from "./sql.js";
export { chooseStrategy } from "./strategy.js";
export type * from "./types.js";

export { guidanceFor } from "./guidance.js";
export { type OrmMatch, recognizeOrm } from "./recognize.js";
export { type Direction, inferRelationship, modelName, type Relationship, singular } from "./relationship.js";

/**
 * The fix for an N+1 and the relationship it rests on: defined as schemas in schemas/offender.ts, the API's
 * contract, and named here for the packages that produce them (@n1radar/guidance) and show them.
 */
export type {
  Guidance,
  GuidanceRelationship,
  GuidanceStrategy,
  RelationshipDirection,
} from "./schemas/offender.js";

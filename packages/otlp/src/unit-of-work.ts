/**
 * Names the unit of work a span stands for when an HTTP route does not: GraphQL operations (all of them
 * arrive as `POST /graphql`), RPC methods and message consumers, from the attributes each ecosystem's
 * instrumentations record, old and new semantic conventions alike:
 *
 * - GraphQL: `graphql.operation.type` / `graphql.operation.name` (the specification; JS, Java, Ruby, .NET
 *   Hot Chocolate; `graphql.execute.operationType` / `.operationName` from @envelop/opentelemetry, GraphQL
 *   Yoga's plugin), else the operation read from the document (`graphql.document`; JS `graphql.source`;
 *   Envelop's `graphql.execute.document`; Strawberry's `query` next to `component: graphql`).
 *   `query PostAuthors`; anonymous: `query { posts }`.
 * - RPC: `rpc.system(.name)` with `rpc.service` + `rpc.method`, or a fully qualified `rpc.method` (newer
 *   conventions). `grpc helloworld.Greeter/SayHello`.
 * - Messaging: `messaging.system`, the operation (`messaging.operation.type`, `.name`, old `messaging.operation`)
 *   and the destination (its template first, which stays low in cardinality for per-tenant or temporary
 *   queues). `kafka process orders`.
 */
import type { UnitOfWork } from "@n1radar/core";
import { type AttrValue, type AttrValues, keyId } from "./attributes.js";
import { graphqlEndpoint, readGraphqlOperation } from "./graphql-document.js";

const GRAPHQL_OPERATION_NAME = keyId("graphql.operation.name");
const GRAPHQL_OPERATION_TYPE = keyId("graphql.operation.type");
const GRAPHQL_DOCUMENT = keyId("graphql.document");
const GRAPHQL_SOURCE = keyId("graphql.source");
const ENVELOP_OPERATION_NAME = keyId("graphql.execute.operationName");
const ENVELOP_OPERATION_TYPE = keyId("graphql.execute.operationType");
const ENVELOP_DOCUMENT = keyId("graphql.execute.document");
const COMPONENT = keyId("component");
const QUERY = keyId("query");
const RPC_SYSTEM_NAME = keyId("rpc.system.name");
const RPC_SYSTEM = keyId("rpc.system");
const RPC_SERVICE = keyId("rpc.service");
const RPC_METHOD = keyId("rpc.method");
const MESSAGING_SYSTEM = keyId("messaging.system");
const MESSAGING_DESTINATION_TEMPLATE = keyId("messaging.destination.template");
const MESSAGING_DESTINATION_NAME = keyId("messaging.destination.name");
const MESSAGING_DESTINATION = keyId("messaging.destination");
const MESSAGING_OPERATION_TYPE = keyId("messaging.operation.type");
const MESSAGING_OPERATION_NAME = keyId("messaging.operation.name");
const MESSAGING_OPERATION = keyId("messaging.operation");

/** Longest name kept from an attribute: a name is an identifier, anything longer is not one. */
const MAX_NAME = 200;
const GRAPHQL_TYPES = new Set(["query", "mutation", "subscription"]);
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

function text(v: AttrValue): string | null {
  if (typeof v !== "string") return null;
  const t = v.trim();
  return t === "" || t.length > MAX_NAME ? null : t;
}

function graphql(bag: AttrValues): UnitOfWork | null {
  const strawberry = bag[COMPONENT] === "graphql" ? bag[QUERY] : undefined;
  // The JS instrumentation also puts `graphql.source` on parse and resolver spans (a field's own text there):
  // only the span that carries the operation's type or name is the operation.
  const typed = bag[GRAPHQL_OPERATION_TYPE] !== undefined || bag[GRAPHQL_OPERATION_NAME] !== undefined;
  const doc =
    bag[GRAPHQL_DOCUMENT] ?? (typed ? bag[GRAPHQL_SOURCE] : undefined) ?? bag[ENVELOP_DOCUMENT] ?? strawberry;
  const rawType = text(bag[GRAPHQL_OPERATION_TYPE] ?? bag[ENVELOP_OPERATION_TYPE])?.toLowerCase() ?? null;
  // Names that are not GraphQL names (the JS instrumentation's "Operation ... not supported") are not used.
  const rawName = text(bag[GRAPHQL_OPERATION_NAME] ?? bag[ENVELOP_OPERATION_NAME]);
  const name = rawName !== null && GRAPHQL_NAME.test(rawName) ? rawName : null;
  const type = rawType !== null && GRAPHQL_TYPES.has(rawType) ? rawType : null;
  if (type === null && name === null && typeof doc !== "string") return null;
  if (type !== null && name !== null) return { kind: "graphql", name: `${type} ${name}` };
  const op = typeof doc === "string" ? readGraphqlOperation(doc, name) : null;
  if (!op && type === null) return null;
  return {
    kind: "graphql",
    name: graphqlEndpoint(type ?? op?.type ?? "query", name ?? op?.name ?? null, op?.rootFields ?? []),
  };
}

function rpc(bag: AttrValues): UnitOfWork | null {
  const method = text(bag[RPC_METHOD]);
  if (method === null) return null;
  const system = text(bag[RPC_SYSTEM_NAME]) ?? text(bag[RPC_SYSTEM]) ?? "rpc";
  const service = text(bag[RPC_SERVICE]);
  const qualified = service !== null && !method.includes("/") ? `${service}/${method}` : method;
  return { kind: "rpc", name: `${system} ${qualified}` };
}

function messaging(bag: AttrValues): UnitOfWork | null {
  const destination =
    text(bag[MESSAGING_DESTINATION_TEMPLATE]) ??
    text(bag[MESSAGING_DESTINATION_NAME]) ??
    text(bag[MESSAGING_DESTINATION]);
  const system = text(bag[MESSAGING_SYSTEM]);
  if (destination === null || system === null) return null;
  const operation =
    text(bag[MESSAGING_OPERATION_TYPE]) ??
    text(bag[MESSAGING_OPERATION_NAME]) ??
    text(bag[MESSAGING_OPERATION]);
  return { kind: "messaging", name: `${system} ${operation ?? "process"} ${destination}` };
}

export function foldUnit(bag: AttrValues): UnitOfWork | null {
  return graphql(bag) ?? rpc(bag) ?? messaging(bag);
}

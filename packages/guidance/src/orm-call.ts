import type { ParsedStatement } from "./sql.js";

/**
 * Some instrumentations record the ORM call rather than its SQL (TypeORM's: {"entityClass":"Post",...},
 * {"targetOrEntity":"PostTag","maybeEntityOrOptions":...}). The entity and the kind of call are still there.
 */
export function parseCall(text: string): ParsedStatement {
  const entity = /"(?:entityClass|targetOrEntity|target)"\s*:\s*"(\w+)"/.exec(text)?.[1] ?? null;
  const op = /"partialEntity"/.test(text)
    ? "update"
    : /"criteria"/.test(text)
      ? "delete"
      : /"(?:maybeEntityOrOptions|entityOrEntities)"/.test(text)
        ? "insert"
        : "select";
  // find options: "order":{"createdAt":"DESC"}, "take":20 (or ? once normalized)
  const order = /"order"\s*:\s*\{([^{}]*)\}/.exec(text)?.[1];
  const terms = [...(order ?? "").matchAll(/"(\w+)"\s*:\s*"(ASC|DESC)"/gi)].map(
    (m) => `${m[1]} ${m[2]?.toUpperCase()}`,
  );
  const take = /"(?:take|limit)"\s*:\s*"?(\d+|\?)/.exec(text)?.[1] ?? null;
  return {
    op,
    table: entity,
    filters: [],
    conditions: [],
    orderBy: op === "select" && terms.length > 0 ? terms.join(", ") : null,
    limit: op === "select" ? take : null,
    aggregate: null,
    joins: [],
    names: [],
  };
}

import type { Fix, Language, Link } from "./types.js";

/**
 * GraphQL resolvers fetch one field of one object at a time, so an eager load in the root resolver is one fix
 * and, where the same relation is reached from many queries, batching each level per request with a DataLoader
 * is the idiomatic other: each resolver asks its loader, which turns one tick's keys into one IN query. The
 * guidance names both; the ORM's eager load stays the main snippet.
 */

/** GraphQL endpoints are named after their operation (otlp's unit-of-work.ts), or keep a /graphql route. */
export function isGraphqlEndpoint(endpoint: string | undefined): boolean {
  return (
    !!endpoint && (/^(query|mutation|subscription)(\s|$)/.test(endpoint) || /\bgraphql\b/i.test(endpoint))
  );
}

const LOADERS: Record<Language, string> = {
  nodejs: "DataLoader (the graphql/dataloader package)",
  python: "a DataLoader (strawberry.dataloader.DataLoader; aiodataloader with Graphene)",
  ruby: "GraphQL::Dataloader (graphql-ruby) or graphql-batch",
  java: "a DataLoader (java-dataloader: @BatchMapping in Spring for GraphQL, @DgsDataLoader in Netflix DGS)",
  dotnet: "a Hot Chocolate DataLoader (BatchDataLoader / GroupedDataLoader)",
  go: "a dataloader (graph-gophers/dataloader, or vikstrous/dataloadgen with gqlgen)",
  php: "Lighthouse's batched relation directives (@hasMany, @belongsTo), or a Deferred batch buffer",
  erlang: "Absinthe's Dataloader (dataloader with Dataloader.Ecto)",
};

/** A DataLoader per level, in JavaScript, with the inferred names: what the resolvers call instead. */
function nodeLoaders(links: readonly Link[]): string {
  const loaders: string[] = [];
  const resolvers: string[] = [];
  for (const { direction, n } of links) {
    if (direction === "one-to-many") {
      const name = `${n.children.camel}By${n.fk.pascal}`;
      loaders.push(
        `  ${name}: new DataLoader(async (keys) => {\n    const rows = await /* one query: ${n.childTable} WHERE ${n.fkColumn} IN (keys) */;\n    return keys.map((k) => rows.filter((r) => r.${n.fk.camel} === k));\n  }),`,
      );
      resolvers.push(
        `${n.parent.pascal}.${n.attr.camel}: (${n.parent.camel}, _args, ctx) => ctx.loaders.${name}.load(${n.parent.camel}.id)`,
      );
    } else {
      const name = `${n.child.camel}By${n.key.pascal}`;
      loaders.push(
        `  ${name}: new DataLoader(async (keys) => {\n    const rows = await /* one query: ${n.childTable} WHERE ${n.keyColumn} IN (keys) */;\n    return keys.map((k) => rows.find((r) => r.${n.key.camel} === k) ?? null);\n  }),`,
      );
      resolvers.push(
        `${n.parent.pascal}.${n.attr.camel}: (${n.parent.camel}, _args, ctx) => ctx.loaders.${name}.load(${n.parent.camel}.${n.fk.camel})`,
      );
    }
  }
  return `// Or batch each level in the resolvers: new loaders per request (in the GraphQL context).\nconst loaders = () => ({\n${loaders.join("\n")}\n});\n// ${resolvers.join("\n// ")}`;
}

/** The fix with DataLoader batching named next to the eager load, for a read loop of a GraphQL operation. */
export function withDataLoader(fix: Fix, language: Language | null, links: readonly Link[]): Fix {
  const loader = LOADERS[language ?? "nodejs"];
  const known = language !== null;
  return {
    ...fix,
    summary: `${fix.summary}, or batch each level in the GraphQL resolvers with ${known ? loader : "a DataLoader"}`,
    after: language === "nodejs" && fix.after ? `${fix.after}\n\n${nodeLoaders(links)}` : fix.after,
    pitfalls: [
      `GraphQL resolves each field per object: a resolver that queries on its own brings the N+1 back. Eager-load in the resolver that lists the rows, or have every level's resolver ask ${known ? loader : "a DataLoader"}, created per request so its cache never serves another user's rows.`,
      ...(fix.pitfalls ?? []),
    ],
  };
}

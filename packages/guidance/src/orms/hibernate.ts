import type { FixContext, OrmCatalogEntry } from "../types.js";
import {
  aggregateColumn,
  aggregateName,
  aggregateSql,
  alias,
  COMMON,
  chainAliases,
  nestedLoop,
} from "./helpers.js";

/**
 * Hibernate 6 / JPA 3 (often through Spring Data JPA). Fetch per query with JOIN FETCH or @EntityGraph; for
 * collections, @BatchSize turns per-row lazy loads into IN batches without multiplying rows.
 */

function loop(ctx: FixContext, body: string): string {
  const { parent } = ctx.n;
  return `for (${parent.pascal} ${parent.camel} : ${parent.camel}Repository.findAll()) {\n    ${body}\n}`;
}

export const hibernate: OrmCatalogEntry = {
  id: "hibernate",
  name: "Hibernate / JPA",
  language: "java",
  clues: [
    { on: "scope", pattern: /hibernate/i, weight: 0.85, label: "Hibernate instrumentation" },
    { on: "scope", pattern: /spring-data|jpa/i, weight: 0.6, label: "Spring Data JPA instrumentation" },
    // The Java agent's Hibernate instrumentation names spans "Session.find", "Transaction.commit" and, around a
    // query, its operation and entity class: "SELECT com.x.Post", "select com.x.Post" under
    // OTEL_SEMCONV_STABILITY_OPT_IN=database (recorded). Its JDBC spans ("SELECT blog.posts", "select posts")
    // name a table, never a class, so they say nothing about the ORM.
    {
      on: "span",
      pattern:
        /^(?:Session|Transaction|Query)\.\w+|^(?:SELECT|INSERT|UPDATE|DELETE|select|insert|update|delete) (?:\w+\.)+[A-Z]\w*$/,
      weight: 0.7,
      label: "Hibernate span name",
    },
    {
      on: "code",
      pattern: /org\.hibernate|jakarta\.persistence|javax\.persistence/,
      weight: 0.6,
      label: "JPA in the call stack",
    },
    // Hibernate 6 aliases tables as <letter><n>_<m>: select a1_0.id,a1_0.name from authors a1_0.
    { on: "sql", pattern: /\b[a-z]\d+_\d+\.\w+/, weight: 0.7, label: "Hibernate 6 table aliases (a1_0)" },
    // Hibernate 5: author0_.id as id1_0_0_.
    {
      on: "sql",
      pattern: /\b\w+\d+_\.\w+ AS \w+_\d*_?\b/i,
      weight: 0.7,
      label: "Hibernate 5 column aliases (author0_.id as id1_0_)",
    },
    // Hibernate 5 column aliases under any table alias (the user guide's "e.id as id1_1_0_", "e.department_id as
    // departme3_1_0_"): the column name cut to 10 characters, then <column>_<table>_[<entity>_].
    {
      on: "sql",
      pattern: /\bAS [a-z][a-z0-9_]{0,9}?\d+_\d+_(?:\d+_)?(?=,|\s|$)/i,
      weight: 0.6,
      label: "Hibernate 5 column aliases (e.id as id1_1_0_)",
    },
  ],
  implicitLazyLoading: true,
  relationName: (n) => n.attr.camel,
  verifyHow:
    "Set hibernate.generate_statistics=true (or logging.level.org.hibernate.SQL=DEBUG) and count the statements per request.",
  pitfalls: [
    "Jackson serializing entities walks lazy associations row by row (and throws LazyInitializationException once the session is closed; spring.jpa.open-in-view=true hides that by lazy-loading in the view, which is the N+1): return DTOs built from a fetch query.",
    "FetchType.EAGER on the mapping does not fix it (queries still load the association with a select per row) and costs every query: keep LAZY and fetch per query.",
    "JOIN FETCH of two List collections throws MultipleBagFetchException; use a Set, or @BatchSize for the second collection.",
  ],
  fixes: {
    "eager-many-to-one": (ctx) => {
      const { parent, attr } = ctx.n;
      const p = alias(parent);
      return {
        summary: `Fetch ${parent.pascal}.${attr.camel} in the same query with JOIN FETCH (or @EntityGraph)`,
        before: loop(ctx, `${parent.camel}.get${attr.pascal}().getName(); // lazy load: one SELECT per row`),
        after: `@Query("SELECT ${p} FROM ${parent.pascal} ${p} LEFT JOIN FETCH ${p}.${attr.camel}")\nList<${parent.pascal}> findAllWith${attr.pascal}();\n\n// or on any Spring Data repository method:\n@EntityGraph(attributePaths = "${attr.camel}")\nList<${parent.pascal}> findAll();`,
        tradeoff: `The join adds the ${ctx.n.child.pascal} columns to each ${parent.pascal} row: one query, cheap for a many-to-one.`,
      };
    },
    "eager-one-to-many": (ctx) => {
      const { parent, child, attr, fk } = ctx.n;
      const p = alias(parent);
      const size = 100;
      // Through a link table the collection is a @ManyToMany (a Set: Hibernate cannot fetch two bags at once).
      const mapping = ctx.n.linkTable
        ? `@ManyToMany\n@JoinTable(name = "${ctx.n.linkTable}")`
        : `@OneToMany(mappedBy = "${fk.camel.replace(/Id$/, "")}")`;
      return {
        summary: `Batch the lazy loads of ${parent.pascal}.${attr.camel} with @BatchSize (IN queries), or JOIN FETCH it for one query`,
        before: loop(ctx, `${parent.camel}.get${attr.pascal}().size(); // lazy load: one SELECT per row`),
        after: `// ${parent.pascal}.java: load ${attr.camel} for up to ${size} ${ctx.n.parents.camel} per SELECT ... WHERE ${ctx.n.fkColumn} IN (...)\n${mapping}\n@BatchSize(size = ${size})\nprivate ${ctx.n.linkTable ? "Set" : "List"}<${child.pascal}> ${attr.camel};\n\n// or per query, when the page is small:\n@Query("SELECT DISTINCT ${p} FROM ${parent.pascal} ${p} LEFT JOIN FETCH ${p}.${attr.camel}")`,
        tradeoff: `@BatchSize adds one query per ${size} ${ctx.n.parents.camel} and never multiplies rows; JOIN FETCH of a collection repeats each ${parent.pascal} per ${child.pascal} and, with paging, Hibernate paginates in memory (HHH90003004).`,
        expectedQueries: 1 + Math.ceil(ctx.repeats / size),
        pitfalls: [COMMON.bigCollections],
      };
    },
    chained: (ctx) => {
      const first = ctx.links[0];
      const root = first?.n.parent ?? ctx.n.parent;
      const names = chainAliases(ctx.links);
      const joins = ctx.links
        .map((l, i) => `LEFT JOIN FETCH ${names[i]}.${l.n.attr.camel} ${names[i + 1]}`)
        .join(" ");
      const paths = ctx.links.map((_, i) =>
        ctx.links
          .slice(0, i + 1)
          .map((l) => l.n.attr.camel)
          .join("."),
      );
      return {
        summary: `Fetch the whole chain ${root.pascal}.${paths[paths.length - 1]} with one JOIN FETCH query (or an @EntityGraph)`,
        before: nestedLoop(`${root.camel}Repository.findAll()`, ctx.links, {
          open: (item, list) => `for (var ${item} : ${list}) {`,
          close: "}",
          get: (obj, attr) => `${obj}.get${attr[0]?.toUpperCase()}${attr.slice(1)}()`,
          assign: (name, value) => `var ${name} = ${value}`,
          comment: "//",
          end: ";",
          variable: (c) => c.camel,
          attr: (l) => l.n.attr.camel,
        }),
        after: `@Query("SELECT DISTINCT ${names[0]} FROM ${root.pascal} ${names[0]} ${joins}")\nList<${root.pascal}> findAllWithDetails();\n\n// or: @EntityGraph(attributePaths = {${paths.map((p) => `"${p}"`).join(", ")}})`,
        tradeoff:
          "One query, but rows multiply by each collection level; with more than one collection or with paging, fetch the first level and put @BatchSize on the rest.",
        expectedQueries: 1,
      };
    },
    aggregate: (ctx) => {
      const { parent, attr } = ctx.n;
      const p = alias(parent);
      const fn = aggregateSql(ctx);
      const arg = ctx.aggregate?.column ? `c.${aggregateColumn(ctx).camel}` : "c";
      return {
        summary: `Compute ${aggregateName(ctx).camel} for every ${parent.pascal} in one grouped JPQL query`,
        before: loop(ctx, `${parent.camel}.get${attr.pascal}().size(); // one query per row`),
        after: `@Query("SELECT ${p}, ${fn}(${arg}) FROM ${parent.pascal} ${p} LEFT JOIN ${p}.${attr.camel} c GROUP BY ${p}")\nList<Object[]> findAllWith${aggregateName(ctx).pascal}();`,
        tradeoff:
          "Returns tuples (or a DTO via SELECT new ...) rather than managed entities with the value on them.",
      };
    },
    "bulk-write": (ctx) => {
      const { child } = ctx.n;
      const c = alias(child);
      const after =
        ctx.write === "delete"
          ? `${child.camel}Repository.deleteAllByIdInBatch(ids); // one DELETE ... WHERE id IN (...)`
          : ctx.write === "update"
            ? `@Modifying\n@Query("UPDATE ${child.pascal} ${c} SET ${c}.field = :value WHERE ${c}.id IN :ids")\nint updateAll(@Param("ids") List<Long> ids, @Param("value") String value);`
            : `# application.properties: send the INSERTs as JDBC batches\nspring.jpa.properties.hibernate.jdbc.batch_size=50\nspring.jpa.properties.hibernate.order_inserts=true\n// then: ${child.camel}Repository.saveAll(${ctx.n.children.camel});`;
      return {
        summary: `Replace the per-row ${ctx.write ?? "insert"} of ${child.pascal} with a JDBC batch or one bulk JPQL statement`,
        before: `for (${child.pascal} ${child.camel} : ${ctx.n.children.camel}) {\n    ${child.camel}Repository.${ctx.write === "delete" ? `delete(${child.camel})` : `save(${child.camel})`}; // one statement per row\n}`,
        after,
        tradeoff:
          "Bulk JPQL bypasses the persistence context (loaded entities go stale); insert batching is disabled for IDENTITY ids, so use a SEQUENCE generator.",
        pitfalls: [COMMON.writeTransaction],
      };
    },
    "batch-ids": (ctx) => {
      const { child, key } = ctx.n;
      const byId = key.snake === "id";
      return {
        summary: `Load all ${child.pascal} rows in one query (${byId ? "findAllById" : `findAllBy${key.pascal}In`}) instead of one per key`,
        before: `for (var ${key.camel} : ${key.camel}s) {\n    ${child.camel}Repository.${byId ? "findById" : `findBy${key.pascal}`}(${key.camel}); // one query per key\n}`,
        after: byId
          ? `List<${child.pascal}> ${ctx.n.children.camel} = ${child.camel}Repository.findAllById(ids);\n// plain Hibernate: session.byMultipleIds(${child.pascal}.class).multiLoad(ids)`
          : `List<${child.pascal}> findAllBy${key.pascal}In(Collection<String> ${key.camel}s); // derived query: WHERE ${ctx.n.keyColumn} IN (...)`,
        tradeoff: "Holds the entities in memory; map them by key before the loop.",
        pitfalls: [COMMON.inList],
      };
    },
  },
};

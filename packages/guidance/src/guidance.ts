import type { Finding, Guidance } from "@n1radar/core";
import { recognizeOrm } from "./recognize.js";
import { inferRelationship, modelName, type Relationship, singular } from "./relationship.js";

type Evidence = Pick<
  Finding,
  "scopeName" | "sdkLanguage" | "statement" | "sourceStatement" | "repeats" | "totalMs"
>;

interface Names {
  parentModel: string;
  childModel: string;
  /** Attribute on the parent model that holds the related rows. */
  attribute: string;
}

interface OrmFix {
  name: string;
  summary: (n: Names, r: Relationship) => string;
  before: (n: Names, r: Relationship) => string;
  after: (n: Names, r: Relationship) => string;
}

const SQLALCHEMY: OrmFix = {
  name: "SQLAlchemy",
  summary: (n, r) =>
    r.direction === "many-to-one"
      ? `Eager-load ${n.parentModel}.${n.attribute} with joinedload (or selectinload) on the query that loads ${n.parentModel}`
      : `Eager-load ${n.parentModel}.${n.attribute} with selectinload on the query that loads ${n.parentModel}`,
  before: (n) =>
    `items = session.scalars(select(${n.parentModel})).all()\nfor item in items:\n    item.${n.attribute}  # one query per row`,
  after: (n, r) =>
    `from sqlalchemy.orm import ${r.direction === "many-to-one" ? "joinedload" : "selectinload"}\n\nitems = session.scalars(\n    select(${n.parentModel}).options(${r.direction === "many-to-one" ? "joinedload" : "selectinload"}(${n.parentModel}.${n.attribute}))\n).all()`,
};

const DJANGO: OrmFix = {
  name: "Django ORM",
  summary: (n, r) =>
    r.direction === "many-to-one"
      ? `Use select_related("${n.attribute}") on the ${n.parentModel} queryset`
      : `Use prefetch_related("${n.attribute}") on the ${n.parentModel} queryset`,
  before: (n) => `for item in ${n.parentModel}.objects.all():\n    item.${n.attribute}  # one query per row`,
  after: (n, r) =>
    `${n.parentModel}.objects.${r.direction === "many-to-one" ? "select_related" : "prefetch_related"}("${n.attribute}")`,
};

const ACTIVERECORD: OrmFix = {
  name: "ActiveRecord",
  summary: (n) => `Use includes(:${n.attribute}) on the ${n.parentModel} relation`,
  before: (n) => `${n.parentModel}.all.each do |item|\n  item.${n.attribute}  # one query per row\nend`,
  after: (n) => `${n.parentModel}.includes(:${n.attribute}).each do |item|\n  item.${n.attribute}\nend`,
};

const SQL: OrmFix = {
  name: "SQL",
  summary: (_n, r) =>
    `Load the ${r.childTable ?? "related"} rows for all parents in one query (WHERE ${r.column ?? "key"} IN (...)) or join them`,
  before: (_n, r) =>
    `-- once per parent row:\nSELECT * FROM ${r.childTable ?? "child"} WHERE ${r.column ?? "key"} = ?`,
  after: (_n, r) =>
    `-- once per request:\nSELECT * FROM ${r.childTable ?? "child"} WHERE ${r.column ?? "key"} IN (?, ?, ...)`,
};

const CATALOG: Record<string, OrmFix> = {
  sqlalchemy: SQLALCHEMY,
  django: DJANGO,
  activerecord: ACTIVERECORD,
};

/** Django names tables "<app>_<model>"; the attribute is named after the model alone. */
function withoutAppPrefix(table: string, parentTable: string | null): string {
  const prefix = /^([a-z0-9]+)_/.exec(parentTable ?? "")?.[1];
  return prefix && table.startsWith(`${prefix}_`) ? table.slice(prefix.length + 1) : table;
}

function names(r: Relationship): Names {
  const child = withoutAppPrefix(r.childTable ?? "related", r.parentTable);
  const parent = withoutAppPrefix(r.parentTable ?? "parent", r.parentTable);
  const attribute = r.direction === "many-to-one" ? singular(child) : child;
  return { parentModel: modelName(parent), childModel: modelName(child), attribute };
}

export function guidanceFor(evidence: Evidence): Guidance {
  const match = recognizeOrm(evidence);
  const fix = (match.orm && CATALOG[match.orm]) || SQL;
  const relationship = inferRelationship(evidence.statement, evidence.sourceStatement);
  const n = names(relationship);
  return {
    orm: match.orm,
    ormName: fix === SQL && match.orm ? match.orm : fix.name,
    confidence: match.confidence,
    summary: fix.summary(n, relationship),
    why: `This request ran the same query ${evidence.repeats} times (${evidence.totalMs.toFixed(1)} ms in all); one batched query replaces them.`,
    before: fix.before(n, relationship),
    after: fix.after(n, relationship),
    verify: `After the fix this request should run 1 query against ${relationship.childTable ?? "that table"} instead of ${evidence.repeats}.`,
  };
}

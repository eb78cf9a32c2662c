import type { Finding } from "@n1radar/core";

/**
 * ORM recognition from what the trace carries. Each clue adds weight to a candidate; the best candidate
 * wins only when it is clearly ahead, so an unknown stack gets plain-SQL advice, never a confident wrong ORM.
 */
export interface OrmMatch {
  orm: string | null;
  confidence: number;
}

interface Clue {
  orm: string;
  weight: number;
  test: (f: Pick<Finding, "scopeName" | "sdkLanguage" | "statement" | "sourceStatement">) => boolean;
}

const scope = (re: RegExp) => (f: { scopeName: string | null }) =>
  f.scopeName !== null && re.test(f.scopeName);
const sql = (re: RegExp) => (f: { statement: string; sourceStatement: string | null }) =>
  re.test(f.statement) || (f.sourceStatement !== null && re.test(f.sourceStatement));

const CLUES: Clue[] = [
  { orm: "sqlalchemy", weight: 0.7, test: scope(/sqlalchemy/i) },
  { orm: "sqlalchemy", weight: 0.4, test: sql(/\b(\w+)\.(\w+) AS \1_\2\b/) },
  { orm: "django", weight: 0.7, test: scope(/django/i) },
  { orm: "django", weight: 0.4, test: sql(/"[a-z0-9]+_[a-z0-9_]+"\."[a-z0-9_]+"/) },
  { orm: "activerecord", weight: 0.7, test: scope(/active_?record/i) },
  { orm: "activerecord", weight: 0.3, test: sql(/"[a-z_]+"\.\*/) },
  { orm: "hibernate", weight: 0.7, test: scope(/hibernate/i) },
  { orm: "hibernate", weight: 0.4, test: sql(/\b[a-z]\d+_\d+\.\w+/) },
  { orm: "prisma", weight: 0.8, test: scope(/prisma/i) },
  { orm: "sequelize", weight: 0.8, test: scope(/sequelize/i) },
  { orm: "typeorm", weight: 0.8, test: scope(/typeorm/i) },
];

export function recognizeOrm(
  finding: Pick<Finding, "scopeName" | "sdkLanguage" | "statement" | "sourceStatement">,
): OrmMatch {
  const score = new Map<string, number>();
  for (const clue of CLUES) {
    if (clue.test(finding)) score.set(clue.orm, (score.get(clue.orm) ?? 0) + clue.weight);
  }
  // The SDK language rules out ORMs of other languages.
  const language = finding.sdkLanguage;
  const languageOf: Record<string, string> = {
    sqlalchemy: "python",
    django: "python",
    activerecord: "ruby",
    hibernate: "java",
    prisma: "nodejs",
    sequelize: "nodejs",
    typeorm: "nodejs",
  };
  let best: string | null = null;
  let bestScore = 0;
  for (const [orm, s] of score) {
    if (language && languageOf[orm] && languageOf[orm] !== language) continue;
    const boosted = language && languageOf[orm] === language ? s + 0.1 : s;
    if (boosted > bestScore) {
      best = orm;
      bestScore = boosted;
    }
  }
  if (!best || bestScore < 0.4) return { orm: null, confidence: 0 };
  return { orm: best, confidence: Math.min(1, Number(bestScore.toFixed(2))) };
}

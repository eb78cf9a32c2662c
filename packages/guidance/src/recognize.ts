import { ORMS } from "./orms/index.js";
import type { Clue, GuidanceInput, Language, OrmCatalogEntry, OrmId } from "./types.js";

/**
 * ORM recognition from what the trace carries. Each ORM's entry lists clues (instrumentation scope, span
 * names, code location, its SQL dialect) with weights; matched weights combine as independent evidence
 * (noisy-or). The SDK language gates: an ORM of another language is never a candidate, so a Python service
 * never gets Rails advice. A close runner-up lowers the confidence, and below MIN_CONFIDENCE the answer is
 * "unknown" (plain SQL guidance), never a confident wrong ORM.
 */
export interface OrmMatch {
  orm: OrmId | null;
  /** 0..1; 0 when unknown. */
  confidence: number;
  /** The clues that matched, readable: `instrumentation scope "opentelemetry.instrumentation.sqlalchemy"`. */
  evidence: string[];
}

export type RecognitionInput = Pick<
  GuidanceInput,
  "scopeName" | "sdkLanguage" | "statement" | "sourceStatement"
> &
  Partial<Pick<GuidanceInput, "chain" | "code" | "spans">>;

const MIN_CONFIDENCE = 0.3;
/**
 * Without an SDK language every ORM of every language competes on SQL shape, and the shapes overlap across
 * languages (a Rails UPDATE reads a little like Drizzle, a Sequelize INSERT a little like Django), so a lone
 * weak shape clue is not enough to name one.
 */
const MIN_CONFIDENCE_WITHOUT_LANGUAGE = 0.45;
/** A matching SDK language is weak evidence by itself (Python has several ORMs) but breaks near-ties. */
const LANGUAGE_WEIGHT = 0.1;

const SDK_LANGUAGES: Record<string, Language> = {
  python: "python",
  ruby: "ruby",
  php: "php",
  java: "java",
  kotlin: "java",
  dotnet: "dotnet",
  csharp: "dotnet",
  nodejs: "nodejs",
  node: "nodejs",
  javascript: "nodejs",
  typescript: "nodejs",
  go: "go",
  golang: "go",
  erlang: "erlang",
  elixir: "erlang",
};

/** Instrumentation scope naming conventions of each language's OpenTelemetry contrib repository. */
const SCOPE_LANGUAGES: [RegExp, Language][] = [
  [/^opentelemetry\.instrumentation\./, "python"],
  [/^OpenTelemetry::/, "ruby"],
  [/^OpenTelemetry\.Instrumentation\.|^Microsoft\.EntityFrameworkCore/, "dotnet"],
  [/^io\.opentelemetry\.contrib\.php|^io\.opentelemetry\.contrib\.laravel/, "php"],
  [/^io\.opentelemetry\.|^org\.hibernate/, "java"],
  [/^@opentelemetry\/|^@prisma\/|^prisma$|^opentelemetry-instrumentation-/, "nodejs"],
  [/^go\.opentelemetry\.io\/|^gorm\.io\/|^github\.com\//, "go"],
  [/^opentelemetry_|^opentelemetrex_/, "erlang"],
];

const FILE_LANGUAGES: [RegExp, Language][] = [
  [/\.py$/, "python"],
  [/\.rb$/, "ruby"],
  [/\.php$/, "php"],
  [/\.(java|kt|scala)$/, "java"],
  [/\.cs$/, "dotnet"],
  [/\.[cm]?[jt]sx?$/, "nodejs"],
  [/\.go$/, "go"],
  [/\.(ex|exs|erl)$/, "erlang"],
];

/** The service's language and where we learned it: the SDK says so, else the scope or file name implies it. */
export function languageOf(input: RecognitionInput): { language: Language; source: string } | null {
  const sdk = input.sdkLanguage?.toLowerCase().trim();
  if (sdk && SDK_LANGUAGES[sdk])
    return { language: SDK_LANGUAGES[sdk], source: `telemetry.sdk.language "${sdk}"` };
  const scope = input.scopeName;
  const byScope = scope ? SCOPE_LANGUAGES.find(([re]) => re.test(scope)) : undefined;
  if (byScope && scope)
    return { language: byScope[1], source: `instrumentation scope "${scope}" (${byScope[1]})` };
  const file = input.code?.file;
  const byFile = file ? FILE_LANGUAGES.find(([re]) => re.test(file)) : undefined;
  if (byFile && file) return { language: byFile[1], source: `code.file.path "${file}" (${byFile[1]})` };
  return null;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The text a clue looks at, and how to quote what matched. */
function matchClue(clue: Clue, input: RecognitionInput): string | null {
  const test = (text: string | null | undefined): string | null => {
    if (!text) return null;
    const m = clue.pattern.exec(text);
    return m ? m[0] : null;
  };
  switch (clue.on) {
    case "scope": {
      const hit = test(input.scopeName);
      return hit ? `instrumentation scope "${input.scopeName}"` : null;
    }
    case "span": {
      for (const span of input.spans ?? []) {
        if (test(span.name)) return `span name "${shorten(span.name)}"`;
      }
      return null;
    }
    case "code": {
      const where = [input.code?.function, input.code?.file].filter(Boolean).join(" ");
      const hit = test(where);
      return hit ? `code location "${shorten(hit)}"` : null;
    }
    case "sql": {
      for (const sql of [input.statement, input.sourceStatement, ...(input.chain ?? [])]) {
        const hit = test(sql);
        if (hit) return `SQL shape: ${clue.label} ("${shorten(hit)}")`;
      }
      return null;
    }
  }
}

interface Candidate {
  entry: OrmCatalogEntry;
  score: number;
  evidence: string[];
}

function score(entry: OrmCatalogEntry, input: RecognitionInput, language: Language | null): Candidate {
  let doubt = 1;
  const evidence: string[] = [];
  for (const clue of entry.clues) {
    const seen = matchClue(clue, input);
    if (!seen) continue;
    doubt *= 1 - clue.weight;
    evidence.push(clue.on === "sql" ? seen : `${seen}: ${clue.label}`);
  }
  if (evidence.length > 0 && language === entry.language) doubt *= 1 - LANGUAGE_WEIGHT;
  return { entry, score: 1 - doubt, evidence };
}

export function recognizeOrm(input: RecognitionInput): OrmMatch {
  const language = languageOf(input);
  const candidates = Object.values(ORMS)
    .filter((entry) => !language || entry.language === language.language)
    .map((entry) => score(entry, input, language?.language ?? null))
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score);
  const [best, second] = candidates;
  const languageNote = language ? [language.source] : [];
  if (!best) return { orm: null, confidence: 0, evidence: languageNote };
  // A runner-up as strong as the winner halves the confidence: the SQL shape alone may fit both.
  const confidence = best.score * (1 - 0.5 * ((second?.score ?? 0) / best.score));
  if (confidence < (language ? MIN_CONFIDENCE : MIN_CONFIDENCE_WITHOUT_LANGUAGE)) {
    const names = candidates.slice(0, 3).map((c) => `${c.entry.name} ${c.score.toFixed(2)}`);
    return {
      orm: null,
      confidence: 0,
      evidence: [...languageNote, `not sure enough to name an ORM (${names.join(", ")}): plain SQL advice`],
    };
  }
  const evidence = [...best.evidence, ...languageNote];
  if (second) evidence.push(`also looks a little like ${second.entry.name} (${second.score.toFixed(2)})`);
  return { orm: best.entry.id, confidence: Math.round(confidence * 100) / 100, evidence };
}

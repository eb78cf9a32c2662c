import type { Guidance } from "@n1radar/core";
import { ORMS } from "./orms/index.js";
import { type OrmMatch, type RecognitionInput, recognizeOrm } from "./recognize.js";
import type { OrmId } from "./types.js";

/**
 * The ORM of a service is a fact about the service. Most apps instrument only the database driver, so one
 * statement is often ambiguous (a Sequelize INSERT on PostgreSQL reads a little like Drizzle's), while the same
 * service's other statements name its ORM plainly (Sequelize's `AS "Post"` model aliases). This keeps, per
 * service, the ORM each distinct statement was recognised as on its own, and reads a finding in that light:
 *
 * - the statement alone names no ORM: the service's ORM, a little less sure than the service is;
 * - it names the service's ORM: the surer of the two;
 * - it names another ORM weakly: still the service's ORM, with the confidence lowered by that contradiction
 *   (plain SQL advice once it falls under MIN_CONFIDENCE), never the other ORM; a strong clue of its own
 *   (an instrumentation scope) wins, as a service may use two data layers.
 *
 * Only own recognitions are kept, never answers already read in the service's light, so a service cannot talk
 * itself into an ORM. Pure and in memory; the server feeds it from every flush and, at start-up, from the
 * stored offenders (`rememberStored`).
 */

/** A recognition this sure counts as the statement naming its ORM. */
const CONFIDENT = 0.5;
/** A statement this sure of another ORM is a second data layer, not a contradiction. */
const DECISIVE = 0.9;
/** The service's ORM named for a statement that names none: this much of the service's confidence. */
const CARRIED = 0.9;
/** Below this, plain SQL advice: recognize.ts's floor. */
const MIN_CONFIDENCE = 0.3;
/** Distinct statements remembered per service; the oldest is forgotten past this. */
const MAX_STATEMENTS = 500;

/** Evidence of an ORM carried from the service starts with this, so stored guidance tells it from its own. */
export const SERVICE_EVIDENCE = "the service's other statements";

export interface ServiceOrm {
  orm: OrmId;
  /** Mean confidence of the statements naming it, times their share of the confident statements. */
  confidence: number;
  statements: number;
  of: number;
}

type FindingInput = RecognitionInput & { service?: string };

const round = (x: number) => Math.round(x * 100) / 100;

export class ServiceOrms {
  private readonly byService = new Map<string, Map<string, { orm: OrmId; confidence: number }>>();

  /** Remembers what each statement of a finding (repeated, source, chain, sampled spans) names on its own. */
  observe(input: FindingInput): void {
    if (!input.service) return;
    const statements = new Set<string>();
    for (const s of [input.statement, input.sourceStatement, ...(input.chain ?? [])])
      if (s) statements.add(s);
    for (const span of input.spans ?? []) if (span.statement) statements.add(span.statement);
    for (const statement of statements) {
      const own = recognizeOrm({ ...input, statement, sourceStatement: null, chain: [] });
      if (own.orm !== null && own.confidence >= CONFIDENT)
        this.remember(input.service, statement, own.orm, own.confidence);
    }
  }

  /** Remembers a statement's own recognition, e.g. from a stored offender (see SERVICE_EVIDENCE). */
  remember(service: string, statement: string, orm: OrmId, confidence: number): void {
    if (!(orm in ORMS) || confidence < CONFIDENT) return;
    let statements = this.byService.get(service);
    if (!statements) {
      statements = new Map();
      this.byService.set(service, statements);
    }
    statements.delete(statement);
    statements.set(statement, { orm, confidence });
    if (statements.size > MAX_STATEMENTS) statements.delete(statements.keys().next().value as string);
  }

  /**
   * Remembers the ORM stored guidance gave a statement (at start-up, so a restart does not forget a service's
   * ORM), unless that ORM was carried from the service rather than recognised in the statement itself.
   */
  rememberStored(
    service: string,
    statement: string,
    guidance: Pick<Guidance, "orm" | "confidence" | "evidence">,
  ): void {
    if (!guidance.orm || guidance.evidence?.some((e) => e.startsWith(SERVICE_EVIDENCE))) return;
    this.remember(service, statement, guidance.orm as OrmId, guidance.confidence);
  }

  /** The ORM the service's statements name, when they name one with confidence. */
  ormOf(service: string): ServiceOrm | null {
    const statements = this.byService.get(service);
    if (!statements || statements.size === 0) return null;
    const tally = new Map<OrmId, { n: number; sum: number }>();
    for (const { orm, confidence } of statements.values()) {
      const t = tally.get(orm) ?? { n: 0, sum: 0 };
      t.n++;
      t.sum += confidence;
      tally.set(orm, t);
    }
    const [orm, best] = [...tally].reduce((a, b) => (b[1].n > a[1].n ? b : a));
    const confidence = (best.sum / best.n) * (best.n / statements.size);
    return confidence >= CONFIDENT
      ? { orm, confidence: round(confidence), statements: best.n, of: statements.size }
      : null;
  }

  /** A finding's own recognition read in the light of its service's ORM (see above). */
  resolve(service: string | undefined, own: OrmMatch): OrmMatch {
    const known = service ? this.ormOf(service) : null;
    if (!known) return own;
    const name = ORMS[known.orm].name;
    const note = `${SERVICE_EVIDENCE} name ${name} (${known.statements} of ${known.of} recognised statements, ${known.confidence})`;
    // Recognised on its own: no line starts with SERVICE_EVIDENCE, so it is remembered again at start-up.
    if (own.orm === known.orm)
      return {
        ...own,
        confidence: Math.max(own.confidence, known.confidence),
        evidence: [...own.evidence, `as ${note}`],
      };
    if (own.orm === null) {
      const confidence = round(known.confidence * CARRIED);
      return { orm: known.orm, confidence, evidence: [note, ...own.evidence] };
    }
    if (own.confidence >= DECISIVE) return own;
    const confidence = round(known.confidence * (1 - own.confidence));
    const against = `this statement alone looks like ${ORMS[own.orm].name} (${own.confidence})`;
    if (confidence < MIN_CONFIDENCE)
      return { orm: null, confidence: 0, evidence: [note, `${against}: not sure enough, plain SQL advice`] };
    return { orm: known.orm, confidence, evidence: [note, `${against}, which lowers the confidence`] };
  }
}

// The words for an ignore rule on the rules page: what it matches, in a sentence (a null field matches anything).
import type { IgnoreRule } from "./types";

export type ListedRule = IgnoreRule & { covers: number };

export function explainRule(rule: Pick<IgnoreRule, "service" | "endpoint" | "statement">): string {
  const where = rule.service ? `of ${rule.service}` : "of every service";
  if (rule.endpoint && rule.statement) return `This query on ${rule.endpoint} ${where}`;
  if (rule.endpoint) return `Every repeated query of ${rule.endpoint} ${where}`;
  if (rule.statement) return `This query, on any endpoint ${where}`;
  return `Everything ${where}`;
}

// The one line of a fix that carries the change, in the ORM's own words (`selectinload(Post.comments)`,
// `include: { author: true }`), shown beside the finding's title so the fix is read before scrolling.
import type { Guidance } from "./types";

const NOISE = /^(?:$|#|\/\/|--|\/\*|\*|import |from \S+ import |using |require |use |alias |\}|\)|\]|end$)/;

/** The line of `after` that names the relationship, else its first new line that is not an import or comment. */
export function keyChange(guidance: Pick<Guidance, "after" | "before" | "relationship">): string | null {
  if (!guidance.after) return null;
  const before = new Set((guidance.before ?? "").split("\n").map((l) => l.trim()));
  const lines = guidance.after
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => !NOISE.test(l) && !before.has(l));
  const attribute = guidance.relationship?.attribute;
  const named = attribute
    ? lines.find((l) => new RegExp(`\\b${escapeRegExp(attribute)}\\b`).test(l))
    : undefined;
  const line = named ?? lines[0];
  return line ? line.replace(/[,;{(]$/, "").trim() : null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

import { isAbsolute, relative, sep } from "node:path";

/**
 * A span's `code.file.path` as a path in the repository: code scanning and annotations accept only those.
 * Absolute paths under the source root become relative; others are kept as they came.
 */
export function repoPath(file: string, srcRoot: string): string {
  if (!isAbsolute(file)) return file.replace(/^\.\//, "");
  const rel = relative(srcRoot, file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel.split(sep).join("/");
}

/**
 * What n1radar keeps of free text an app puts in span names and URLs, so that literal values never reach the
 * database, the API or a chat message (README: statements are kept normalized, never with their values):
 * - a span name that is SQL (instrumentations that name spans by their statement, with or without
 *   `db.statement`) is kept as its normalized statement, literals as `?`;
 * - a URL or path in a span name loses its query string and fragment (tokens, e-mail addresses, session ids);
 * - path segments that are values rather than names become placeholders: numbers `:id`, UUIDs `:uuid`, long hex
 *   `:hex`, e-mail addresses `:email`, other long random-looking tokens `:token`.
 * Used for endpoints taken from a span name when no route is known, and for the names of sampled spans.
 */
import { normalizeSql } from "./fingerprint.js";

const SQL_START =
  /^\s*(select|insert|update|delete|with|replace|merge|upsert|call|exec|execute|values|truncate|create|alter|drop)\s/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^(0x)?[0-9a-f]{12,}$/i;
const NUMBER = /^\d+$/;
const EMAIL = /^[^@/\s]+@[^@/\s]+$/;
/** Letters and digits mixed, long: API keys, session ids, base64 tokens; names are words, not this. */
const TOKEN = /^[A-Za-z0-9_\-+=.~%]{20,}$/;

function segmentPlaceholder(segment: string): string | null {
  if (segment === "") return null;
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {}
  if (NUMBER.test(decoded)) return ":id";
  if (UUID.test(decoded)) return ":uuid";
  if (HEX.test(decoded)) return ":hex";
  if (EMAIL.test(decoded)) return ":email";
  if (TOKEN.test(decoded) && /\d/.test(decoded) && /[A-Za-z]/.test(decoded)) return ":token";
  return null;
}

/** `/users/123/orders/9f1c...` -> `/users/:id/orders/:uuid`; the query string and fragment are dropped. */
export function templatePath(path: string): string {
  const cut = path.search(/[?#]/);
  const bare = cut < 0 ? path : path.slice(0, cut);
  return bare
    .split("/")
    .map((segment) => segmentPlaceholder(segment) ?? segment)
    .join("/");
}

/** A URL (`https://host/path?q`) or a path, templated; the scheme and host are kept, credentials dropped. */
function templateUrlOrPath(token: string): string {
  const url = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^@/]*@)?([^/?#]*)(.*)$/i.exec(token);
  if (url) return `${url[1]}${url[2]}${templatePath(url[3] ?? "")}`;
  return templatePath(token);
}

/** Longest span name kept: a name is a label; a megabyte of text in one is cut, never stored whole. */
export const MAX_SPAN_NAME_CHARS = 300;

function bounded(text: string): string {
  return text.length <= MAX_SPAN_NAME_CHARS ? text : `${text.slice(0, MAX_SPAN_NAME_CHARS - 1)}…`;
}

/**
 * A span name as n1radar keeps it: SQL normalized, every URL or path in it templated (`GET /users/:id`,
 * `GET https://api.example.com/v1/users/:id`), anything else as given; at most MAX_SPAN_NAME_CHARS long.
 */
export function redactSpanName(name: string): string {
  if (SQL_START.test(name)) return bounded(normalizeSql(name).display);
  return bounded(
    name
      .slice(0, 4 * MAX_SPAN_NAME_CHARS) // templating reads no further than what is kept
      .split(/(\s+)/)
      .map((part) =>
        part.startsWith("/") || /^[a-z][a-z0-9+.-]*:\/\//i.test(part) ? templateUrlOrPath(part) : part,
      )
      .join(""),
  );
}

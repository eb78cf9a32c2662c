/**
 * Untrusted text (service names, routes, SQL, anything derived from span attributes) is neutralised before it
 * reaches a chat platform's markup: no mentions that ping a whole channel, no links smuggled in through a route or
 * a statement, and never longer than the field allows.
 */

const ZWSP = "\u200b";

/** Control characters other than newline and tab, and bidi overrides that can disguise text. */
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The part every platform shares: hidden characters removed and every `@` followed by a zero-width space, so
 * `@channel`, `@here`, `@everyone` and `@all` render but do not notify anyone.
 */
export function defuse(text: string): string {
  return text.replace(HIDDEN, "").replace(/@/g, `@${ZWSP}`);
}

/**
 * For platforms that turn bare URLs and domains into links outside code (Teams, Google Chat): a zero-width space
 * after `://`, after `www` and after each dot between letters, and between `](`, so no span text becomes a link.
 */
export function unlink(text: string): string {
  return text
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/\b(www)\./gi, `$1${ZWSP}.`)
    .replace(/([\p{L}\p{N}])\.(?=[\p{L}\p{N}])/gu, `$1.${ZWSP}`)
    .replace(/\]\(/g, `]${ZWSP}(`);
}

/** Text for inside a markdown code span: a backtick would end it early, so it becomes a look-alike. */
export function codeSafe(text: string): string {
  return defuse(text).replace(/`/g, "\u02cb").replace(/\s+/g, " ");
}

/** Text for inside a fenced code block: three backticks would end it. */
export function fenceSafe(text: string): string {
  return defuse(text).replace(/```/g, "\u02cb\u02cb\u02cb");
}

/** HTML-escaped (Google Chat card text). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Slack mrkdwn: only &, < and > are control characters there (`<!channel>`, `<url|text>`). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Markdown that can format or link escaped with backslashes (Discord, Mattermost, Teams text outside code):
 * emphasis, code, strike, tables, link brackets and angle-bracket autolinks. Hyphens, parentheses and #s mid-line
 * do nothing and stay as written, so `joinedload()` reads as itself.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_~|[\]<>])/g, "\\$1");
}

/**
 * At most `max` UTF-16 units, ending in an ellipsis when cut; never splits a surrogate pair. Platforms count
 * characters slightly differently, so every limit used here keeps a margin.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

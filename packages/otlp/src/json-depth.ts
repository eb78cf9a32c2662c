/**
 * A nesting guard run before JSON.parse. V8 parses deeply nested arrays and objects about 40 times slower per
 * byte than ordinary JSON: 16 MB of `[[[[...` holds the event loop for about 3 s, so a handful of such bodies
 * would stall every other sender. Real OTLP/JSON nests about ten levels (request, resourceSpans, scopeSpans,
 * spans, attributes, value) plus what attribute values nest, so anything past MAX_JSON_DEPTH is refused.
 */

/** Deepest nesting of arrays and objects accepted in an OTLP/JSON body. */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * The byte offset where nesting first goes past `maxDepth`, or -1. One tight pass over the bytes with no
 * calls in the loop (jumping over strings with `indexOf` was slower: OTLP/JSON is thousands of short
 * strings). It costs about 15% of decoding the same body: the price of a bounded parse. Malformed JSON is
 * left for JSON.parse to report.
 */
export function nestingPastLimit(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH)
        i++; // the escaped byte cannot end the string
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (++depth > maxDepth) return i;
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
      depth--;
    }
  }
  return -1;
}

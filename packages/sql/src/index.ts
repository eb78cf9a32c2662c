export { type LabelInput, offenderLabel, statementLabel } from "./label.js";
export {
  FUNCTION_KEYWORDS,
  isName,
  KEYWORDS,
  significant,
  type Token,
  type TokenKind,
  tokenize,
  unquote,
} from "./tokens.js";

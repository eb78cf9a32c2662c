export { type LabelInput, offenderLabel, statementLabel } from "./label.js";
export {
  type Cased,
  cased,
  entityOf,
  foreignKeyBase,
  isPrimaryKey,
  namesTable,
  plural,
  sharedAppLabel,
  singular,
  snake,
} from "./naming.js";
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

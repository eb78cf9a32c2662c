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
  type DottedName,
  dottedNameAt,
  dottedNames,
  isKeyword,
  isName,
  isNamePart,
  lower,
  paramAt,
} from "./reader.js";
export {
  FUNCTION_KEYWORDS,
  KEYWORDS,
  scanTokens,
  significant,
  type Token,
  type TokenKind,
  tokenize,
  unquote,
} from "./tokens.js";

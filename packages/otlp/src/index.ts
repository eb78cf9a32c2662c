export { decodeJsonTraces } from "./decode-json.js";
export { decodeProtobufTraces } from "./decode-protobuf.js";
export { encodeJsonTraces } from "./encode-json.js";
export {
  encodeExportResponseJson,
  encodeExportResponseProtobuf,
  type PartialSuccess,
  partialSuccessOf,
} from "./encode-response.js";
export {
  encodeStatusJson,
  encodeStatusProtobuf,
  type FieldViolation,
  type StatusDetail,
} from "./encode-status.js";
export { MAX_NAME_CHARS, MAX_STATEMENT_CHARS } from "./fold.js";
export { type DecodeResult, MAX_ERROR_MESSAGES } from "./result.js";

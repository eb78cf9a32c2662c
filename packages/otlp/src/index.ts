export { decodeJsonTraces } from "./decode-json.js";
export { decodeProtobufTraces } from "./decode-protobuf.js";
export {
  encodeExportResponseJson,
  encodeExportResponseProtobuf,
  encodeStatusJson,
  encodeStatusProtobuf,
  type PartialSuccess,
  partialSuccessOf,
  RpcCode,
} from "./encode-response.js";
export { type DecodeResult, MAX_ERROR_MESSAGES } from "./result.js";

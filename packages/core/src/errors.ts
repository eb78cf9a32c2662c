/**
 * One error vocabulary for the whole service, mapped once (ERROR_STATUS) to what each protocol answers: the API's
 * and OTLP/HTTP's status, and the google.rpc code of OTLP/HTTP failure bodies and OTLP/gRPC statuses.
 */
export type ErrorCode =
  | "bad_request"
  | "not_found"
  | "payload_too_large"
  | "unsupported_media_type"
  | "method_not_allowed"
  | "unauthorized"
  /** Refused whoever asks: a cross-site state change, or a Host name the server does not answer to. */
  | "forbidden"
  /** Too many failed sign-ins from one address: it waits (Retry-After). */
  | "too_many_requests"
  | "overloaded"
  /** An upload that did not complete within its read deadline. */
  | "request_timeout";

export class N1Error extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "N1Error";
  }
}

/** google.rpc.Code values n1radar answers with (they are gRPC's status codes too). */
export const RpcCode = {
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  Unauthenticated: 16,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
} as const;

/** An error's code; anything but an N1Error is a bug of ours: "internal". */
export type ErrorStatusCode = ErrorCode | "internal";

/** Each code as an HTTP status and a google.rpc / gRPC code: the API, OTLP/HTTP and OTLP/gRPC read it here. */
export const ERROR_STATUS: Readonly<Record<ErrorStatusCode, { http: number; rpc: number }>> = {
  bad_request: { http: 400, rpc: RpcCode.InvalidArgument },
  unauthorized: { http: 401, rpc: RpcCode.Unauthenticated },
  forbidden: { http: 403, rpc: RpcCode.PermissionDenied },
  not_found: { http: 404, rpc: RpcCode.NotFound },
  method_not_allowed: { http: 405, rpc: RpcCode.Unimplemented },
  request_timeout: { http: 408, rpc: RpcCode.DeadlineExceeded },
  payload_too_large: { http: 413, rpc: RpcCode.ResourceExhausted },
  unsupported_media_type: { http: 415, rpc: RpcCode.InvalidArgument },
  too_many_requests: { http: 429, rpc: RpcCode.ResourceExhausted },
  overloaded: { http: 503, rpc: RpcCode.Unavailable },
  internal: { http: 500, rpc: RpcCode.Internal },
};

export function errorCodeOf(error: unknown): ErrorStatusCode {
  return error instanceof N1Error ? error.code : "internal";
}

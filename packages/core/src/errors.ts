/**
 * One error vocabulary for the whole service; the HTTP layer maps each code to a status in one place.
 */
export type ErrorCode =
  | "bad_request"
  | "not_found"
  | "payload_too_large"
  | "unsupported_media_type"
  | "method_not_allowed"
  | "unauthorized"
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

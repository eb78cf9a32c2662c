import { describe, expect, it } from "vitest";
import { ERROR_STATUS, errorCodeOf, N1Error, RpcCode } from "./errors.js";

describe("ERROR_STATUS", () => {
  it("answers as the OTLP specification asks: retryable 503/UNAVAILABLE, bad data 400/INVALID_ARGUMENT", () => {
    expect(ERROR_STATUS.overloaded).toEqual({ http: 503, rpc: RpcCode.Unavailable });
    expect(ERROR_STATUS.bad_request).toEqual({ http: 400, rpc: RpcCode.InvalidArgument });
    expect(ERROR_STATUS.payload_too_large).toEqual({ http: 413, rpc: RpcCode.ResourceExhausted });
    expect(ERROR_STATUS.request_timeout).toEqual({ http: 408, rpc: RpcCode.DeadlineExceeded });
    expect(ERROR_STATUS.unauthorized).toEqual({ http: 401, rpc: RpcCode.Unauthenticated });
    expect(ERROR_STATUS.internal).toEqual({ http: 500, rpc: RpcCode.Internal });
    // The sign-in layer's refusals: a cross-site change or unknown Host, and a locked-out address.
    expect(ERROR_STATUS.forbidden).toEqual({ http: 403, rpc: RpcCode.PermissionDenied });
    expect(ERROR_STATUS.too_many_requests).toEqual({ http: 429, rpc: RpcCode.ResourceExhausted });
  });

  it("reads anything but an N1Error as internal, and an N1Error as its code", () => {
    expect(errorCodeOf(new Error("boom"))).toBe("internal");
    expect(errorCodeOf("text")).toBe("internal");
    expect(errorCodeOf(new N1Error("not_found", "no such finding"))).toBe("not_found");
  });
});

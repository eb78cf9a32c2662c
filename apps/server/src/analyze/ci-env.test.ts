import { describe, expect, it } from "vitest";
import { ciEnvironment } from "./ci.js";

describe("ciEnvironment", () => {
  it("points every SDK at the capture, keeping every trace, over http/protobuf unless the user chose", () => {
    const env = ciEnvironment(
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://elsewhere", OTEL_SDK_DISABLED: "true", PATH: "/bin" },
      "http://127.0.0.1:5555",
    );
    expect(env).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:5555",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_TRACES_EXPORTER: "otlp",
      OTEL_TRACES_SAMPLER: "always_on",
      PATH: "/bin",
    });
    expect(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).toBeUndefined();
    expect(env.OTEL_SDK_DISABLED).toBeUndefined();
    expect(ciEnvironment({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, "x").OTEL_EXPORTER_OTLP_PROTOCOL).toBe(
      "grpc",
    );
    const tracesOnly = ciEnvironment({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json" }, "x");
    expect(tracesOnly.OTEL_EXPORTER_OTLP_PROTOCOL).toBeUndefined();
  });
});

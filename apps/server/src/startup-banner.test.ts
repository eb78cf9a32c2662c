import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.js";
import { displayDatabaseUrl, displayHost, startupBanner } from "./startup-banner.js";

describe("startupBanner", () => {
  it("prints the base endpoint to paste, never with /v1/traces, and the gRPC alternative", () => {
    const lines = startupBanner(parseConfig({})).split("\n");
    expect(lines).toContain("  export OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318");
    expect(lines).toContain("  export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf");
    expect(lines).toContain("  export OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317");
    expect(lines).toContain("  export OTEL_EXPORTER_OTLP_PROTOCOL=grpc");
    expect(lines.filter((l) => l.includes("OTEL_EXPORTER_OTLP_ENDPOINT=")).join()).not.toContain(
      "/v1/traces",
    );
    expect(lines).toContain("  Dashboard and API  http://localhost:3000");
    expect(lines).toContain("Guides per language and ORM: docs/README.md");
    expect(lines.join("\n")).toContain("`npm run demo` runs a sample app with N+1s");
  });

  it("uses the configured ports and host", () => {
    const banner = startupBanner(
      parseConfig({ HOST: "127.0.0.1", PORT: "8080", OTLP_HTTP_PORT: "9318", OTLP_GRPC_PORT: "9317" }),
    );
    expect(banner).toContain("http://127.0.0.1:8080\n");
    expect(banner).toContain("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9318\n");
    expect(banner).toContain("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9317\n");
  });

  it("shows wildcard addresses as localhost and brackets IPv6 hosts", () => {
    expect(displayHost("0.0.0.0")).toBe("localhost");
    expect(displayHost("::")).toBe("localhost");
    expect(displayHost("::1")).toBe("[::1]");
    expect(displayHost("10.0.0.5")).toBe("10.0.0.5");
  });

  it("never prints a PostgreSQL password", () => {
    const banner = startupBanner(
      parseConfig({ DATABASE_URL: "postgres://n1radar:s3cret-pw@db.internal:5432/n1radar" }),
    );
    expect(banner).toContain("Database           postgres://n1radar:***@db.internal:5432/n1radar");
    expect(banner).not.toContain("s3cret-pw");
    expect(displayDatabaseUrl("./data/n1radar.db")).toBe("./data/n1radar.db");
    expect(displayDatabaseUrl("postgresql://ci@localhost/n1")).toBe("postgresql://ci@localhost/n1");
  });
});

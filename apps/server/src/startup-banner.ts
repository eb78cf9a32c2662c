/**
 * What `npm start` prints once every port listens: where to look, and the lines to paste into an instrumented
 * app's environment. The endpoint is the base URL: OpenTelemetry SDKs append `/v1/traces` to
 * OTEL_EXPORTER_OTLP_ENDPOINT themselves, so printing the full path would double it when pasted.
 */
import type { Config } from "./config.js";

type Ports = Pick<Config, "HOST" | "PORT" | "OTLP_HTTP_PORT" | "OTLP_GRPC_PORT" | "DATABASE_URL">;

/** The host a user on this machine types: `localhost` for the wildcard addresses, else the one listened on. */
export function displayHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

/** A database URL fit to print: a PostgreSQL URL's password is replaced by `***`. */
export function displayDatabaseUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
}

export function startupBanner(config: Ports): string {
  const host = displayHost(config.HOST);
  return [
    "n1radar is ready.",
    `  Dashboard and API  http://${host}:${config.PORT}`,
    `  OTLP/HTTP          http://${host}:${config.OTLP_HTTP_PORT}  (POST /v1/traces)`,
    `  OTLP/gRPC          ${host}:${config.OTLP_GRPC_PORT}`,
    `  Database           ${displayDatabaseUrl(config.DATABASE_URL)}`,
    "",
    "Point an OpenTelemetry-instrumented app at it with these lines in its environment:",
    `  export OTEL_EXPORTER_OTLP_ENDPOINT=http://${host}:${config.OTLP_HTTP_PORT}`,
    "  export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
    "  export OTEL_SERVICE_NAME=my-service",
    "or, over gRPC:",
    `  export OTEL_EXPORTER_OTLP_ENDPOINT=http://${host}:${config.OTLP_GRPC_PORT}`,
    "  export OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
    "Guides per language and ORM: docs/README.md",
    "Nothing instrumented yet? In another terminal, `npm run demo` runs a sample app with N+1s against this",
    "n1radar and leaves its findings, with their fixes, on the dashboard.",
  ].join("\n");
}

/**
 * OpenTelemetry for the demo, loaded before the app with `node --import ./dist/telemetry.js dist/server.js`, as
 * the OpenTelemetry docs set up an ESM app: the import-in-the-middle hook lets the Express instrumentation patch
 * an `import`ed express. Everything else comes from the standard OTEL_* variables (endpoint, protocol, service
 * name, batch delay) read by the SDK itself, exactly as a user's app would be configured; docs/node.md explains
 * each line.
 */
import { register } from "node:module";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { ExpressInstrumentation } from "@opentelemetry/instrumentation-express";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { PrismaInstrumentation } from "@prisma/instrumentation";

register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);

const sdk = new NodeSDK({
  serviceName: process.env.OTEL_SERVICE_NAME ?? "n1radar-demo",
  // exporter-trace-otlp-http posts OTLP/JSON to $OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces (its -proto sibling
  // sends protobuf; n1radar takes both).
  traceExporter: new OTLPTraceExporter(),
  instrumentations: [
    // Server spans for each request; the runner's readiness probe is not a request worth a trace.
    new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url === "/health" }),
    // Names each server span by its route (`GET /posts/:id`), which n1radar shows as the endpoint.
    new ExpressInstrumentation(),
    // Prisma's own: prisma:client:operation > prisma:client:db_query with the SQL in db.query.text.
    new PrismaInstrumentation(),
  ],
});
sdk.start();

// Flush what is batched on the way out, so the last requests reach n1radar too.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void sdk.shutdown().finally(() => process.exit(0));
  });
}

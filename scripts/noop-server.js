// The ceiling for the ingest benchmark: the same HTTP stack (hono on @hono/node-server) reading each body and
// answering an empty ExportTraceServiceResponse, with no decoding, detection or storage.
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono();
app.post("/v1/traces", async (c) => {
  await c.req.arrayBuffer();
  return c.body(new Uint8Array(0), 200, { "content-type": "application/x-protobuf" });
});
const server = serve(
  { fetch: app.fetch, hostname: "127.0.0.1", port: Number(process.env.PORT ?? 0) },
  (info) => {
    process.send?.({ port: info.port });
  },
);
process.on("SIGTERM", () => server.close(() => process.exit(0)));

/**
 * Export requests the real OpenTelemetry Java agent sent (packages/detector/corpus/hibernate, recorded by
 * generators/java: the raw protobuf body kept beside the OTLP/JSON line it was converted to). The protobuf decoder
 * must read the agent's bytes, and the corpus line must say exactly what the bytes said.
 */
import { readFileSync } from "node:fs";
import { SpanKind } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { decodeJsonTraces, decodeProtobufTraces } from "./index.js";

const CORPUS = new URL("../../detector/corpus/hibernate/", import.meta.url);

describe.each([
  ["h2-http", "http", "db.statement, default conventions"],
  ["pg-grpc-stable", "grpc", "db.query.text, OTEL_SEMCONV_STABILITY_OPT_IN=database"],
])("the Java agent's export over %s", (variant, transport) => {
  const body = readFileSync(new URL(`${variant}/p_many_to_one.line1.${transport}.pb`, CORPUS));
  const line = readFileSync(new URL(`${variant}/p_many_to_one.jsonl`, CORPUS), "utf8").split("\n")[0] ?? "";

  it("decodes to the same spans as its OTLP/JSON line in the corpus", () => {
    const fromProtobuf = decodeProtobufTraces(body);
    expect(fromProtobuf.errors).toEqual([]);
    expect(fromProtobuf.rejected).toBe(0);
    expect(decodeJsonTraces(new TextEncoder().encode(line))).toEqual(fromProtobuf);
  });

  it("carries a Java request span, Hibernate session spans and JDBC statements", () => {
    const { spans } = decodeProtobufTraces(body);
    expect(
      spans.every((s) => s.resource.sdkLanguage === "java" && s.resource.serviceName === "blog-app"),
    ).toBe(true);
    expect(spans.some((s) => s.kind === SpanKind.Server && s.http?.route === "/posts/authors")).toBe(true);
    expect(spans.some((s) => s.scope.name === "io.opentelemetry.hibernate-6.0")).toBe(true);
    const jdbc = spans.filter((s) => s.scope.name === "io.opentelemetry.jdbc");
    expect(jdbc.length).toBeGreaterThan(5);
    for (const s of jdbc) expect(s.db?.statement).toMatch(/^select \w+\.\w+.* from \w+ \w+/);
    expect(new Set(jdbc.map((s) => s.db?.system))).toEqual(
      new Set([variant.startsWith("pg") ? "postgresql" : "h2"]),
    );
  });
});

import { describe, expect, it } from "vitest";
import { redactSpanName, templatePath } from "./redact.js";

describe("templatePath", () => {
  it("turns value segments into placeholders and keeps names", () => {
    expect(templatePath("/users/12345/orders/9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f")).toBe(
      "/users/:id/orders/:uuid",
    );
    expect(templatePath("/files/5f2b8c9d0e1a2b3c4d5e")).toBe("/files/:hex");
    expect(templatePath("/invite/jane.doe%40example.com/accept")).toBe("/invite/:email/accept");
    expect(templatePath("/reset/sk_live_51HxYzAbCdEf0123456789")).toBe("/reset/:token");
    expect(templatePath("/api/v1/blog-posts/recent")).toBe("/api/v1/blog-posts/recent");
    expect(templatePath("/")).toBe("/");
  });

  it("drops the query string and the fragment", () => {
    expect(templatePath("/search?q=secret&token=abc#frag")).toBe("/search");
    expect(templatePath("/users/7?email=jane@example.com")).toBe("/users/:id");
  });
});

describe("redactSpanName", () => {
  it("keeps SQL span names as normalized statements, literals out", () => {
    expect(redactSpanName("SELECT * FROM users WHERE api_key = 'sk_live_abc123' AND id = 7")).toBe(
      "SELECT * FROM users WHERE api_key = ? AND id = ?",
    );
    expect(redactSpanName("insert into tokens (value) values ('s3cr3t')")).toMatch(/values \(\?\)/i);
  });

  it("templates URLs and paths in a name, dropping credentials and queries", () => {
    expect(redactSpanName("GET /users/12345?token=abc")).toBe("GET /users/:id");
    expect(redactSpanName("GET https://admin:hunter2@api.example.com/v1/users/42?key=k")).toBe(
      "GET https://api.example.com/v1/users/:id",
    );
    expect(redactSpanName("POST /sessions")).toBe("POST /sessions");
  });

  it("cuts a megabyte name to a label, SQL or not", () => {
    const huge = "x".repeat(1_000_000);
    expect(redactSpanName(huge)).toHaveLength(300);
    expect(redactSpanName(huge).endsWith("\u2026")).toBe(true);
    expect(redactSpanName(`SELECT ${"a, ".repeat(200_000)}b FROM t`).length).toBeLessThanOrEqual(300);
  });

  it("leaves names that are neither SQL nor URLs as they are", () => {
    expect(redactSpanName("prisma:client:operation")).toBe("prisma:client:operation");
    expect(redactSpanName("render_post")).toBe("render_post");
    expect(redactSpanName("User Load")).toBe("User Load");
  });
});

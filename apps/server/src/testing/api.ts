/**
 * Reading the API's answers in tests: every JSON body goes through core's response schema for its route
 * (`@n1radar/core/schemas`), so a test fails when the API drops or renames a field, adds one the schema does
 * not document, or answers with another status than the one expected.
 */
import { ERROR_STATUS } from "@n1radar/core";
import { type ApiError, ApiErrorSchema, type OffenderPage, OffenderPageSchema } from "@n1radar/core/schemas";
import { expect } from "vitest";
import { z } from "zod";

/** The answer's JSON, checked against `schema`, after checking its status (200 unless given). */
export async function apiJson<S extends z.ZodType>(
  response: Response,
  schema: S,
  status = 200,
): Promise<z.output<S>> {
  const text = await response.text();
  expect(response.status, `status of ${response.url || "the answer"}: ${text.slice(0, 500)}`).toBe(status);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`expected a JSON answer, got: ${text.slice(0, 200)}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new Error(`the answer does not match its schema:\n${z.prettifyError(parsed.error)}\n${text}`);
  return parsed.data;
}

/** An error answer: `{ error: { code, message } }` with `status`, the HTTP status its code maps to. */
export async function apiError(response: Response, status: number): Promise<ApiError> {
  const body = await apiJson(response, ApiErrorSchema, status);
  expect(ERROR_STATUS[body.error.code].http, body.error.code).toBe(status);
  return body;
}

/** GET /api/findings on a running server (`apiUrl`), `query` such as "?limit=500", through its schema. */
export async function getFindings(apiUrl: string, query = ""): Promise<OffenderPage> {
  return apiJson(await fetch(`${apiUrl}/api/findings${query}`), OffenderPageSchema);
}

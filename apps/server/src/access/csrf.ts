/**
 * Cross-site request forgery: a page on another site can make the browser of someone who reaches the dashboard
 * send it a form post (and, with a session, the cookie too). Every state change must therefore come from the
 * dashboard's own origin, whether or not a token is set:
 * - Sec-Fetch-Site (every current browser sends it) must be `same-origin`, or `none` (typed or bookmarked);
 * - else an Origin header, when present, must be this server's origin;
 * - and API state changes must carry `Content-Type: application/json`, which a plain HTML form cannot send and
 *   a cross-origin script can send only after a CORS preflight this server never grants.
 * Clients that are not browsers (curl, scripts) send neither header and pass on the content type alone.
 */

export const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface CsrfRequest {
  method: string;
  /** The request's own origin as the client addressed it, e.g. `https://n1radar.example.com`. */
  origin: string;
  header(name: string): string | undefined;
  /** False for the sign-in and sign-out forms, which post form data; both still need the same origin. */
  requireJson: boolean;
}

/** Why a request must be refused as a possible forgery, or null when it may proceed. */
export function forgeryProblem(req: CsrfRequest): string | null {
  if (!UNSAFE_METHODS.has(req.method.toUpperCase())) return null;
  const site = req.header("sec-fetch-site")?.toLowerCase();
  if (site !== undefined && site !== "same-origin" && site !== "none")
    return `a ${site} request cannot change anything here (Sec-Fetch-Site: ${site})`;
  const origin = req.header("origin");
  if (site === undefined && origin !== undefined && origin !== req.origin)
    return `a request from ${origin === "null" ? "an opaque origin" : origin} cannot change anything here`;
  if (req.requireJson) {
    const type = req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json")
      return "state changes must be sent as Content-Type: application/json (cross-site request forgery protection)";
  }
  return null;
}

/**
 * The one way alerts leave the process (deliveries and the test button alike): a POST with a timeout, no
 * redirects followed, and the target's addresses checked when the connection is made, by a filtering DNS
 * `lookup` handed to node:http(s), so a name that resolves (or re-resolves, DNS rebinding) to a private address is
 * refused. IP-literal hosts skip DNS in Node, so they are checked before connecting.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import { type AttemptResult, addressRefusal, type TargetPolicy } from "@n1radar/alerts";

/** Answers are read up to this size (error details, Discord's retry_after); the rest is dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;

export class BlockedAddressError extends Error {}

/** A DNS lookup that answers only with addresses the policy allows; any refused address fails the lookup. */
export function guardedLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 4);
      for (const a of addresses) {
        const refusal = addressRefusal(a.address, hostname, policy);
        if (refusal) return callback(new BlockedAddressError(`${hostname}: ${refusal}`), "", 4);
      }
      if (addresses.length === 0) return callback(new Error(`${hostname}: no addresses`), "", 4);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

export interface PostOptions {
  policy: TargetPolicy;
  timeoutMs: number;
}

/** POSTs a JSON body; resolves with the answer or the error that prevented one (never rejects). */
export function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve({ error: "invalid URL" });
    }
    const host = target.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host)) {
      const refusal = addressRefusal(host, host, options.policy);
      if (refusal) return resolve({ error: `blocked: ${refusal}` });
    }
    const request = target.protocol === "https:" ? httpsRequest : httpRequest;
    let settled = false;
    const done = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = request(
      target,
      {
        method: "POST",
        agent: false,
        lookup: guardedLookup(options.policy),
        headers: {
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
          "user-agent": "n1radar-alerts",
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on("end", () => {
          const answerHeaders: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers))
            answerHeaders[k] = Array.isArray(v) ? v.join(", ") : v;
          done({
            status: res.statusCode ?? 0,
            headers: answerHeaders,
            body: Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString("utf8"),
          });
        });
        res.on("error", (error) => done({ error: `answer cut off: ${error.message}` }));
      },
    );
    const timer = setTimeout(() => {
      done({ error: `timed out after ${options.timeoutMs} ms` });
      req.destroy();
    }, options.timeoutMs);
    req.on("error", (error) =>
      done({ error: error instanceof BlockedAddressError ? `blocked: ${error.message}` : error.message }),
    );
    req.end(body);
  });
}

import { describe, expect, it } from "vitest";
import type { AnalyzedOffender } from "./analyze.js";
import { failing, gate } from "./gate.js";

const finding = (over: Partial<AnalyzedOffender>) =>
  ({
    id: "abc",
    service: "shop",
    endpoint: "GET /orders",
    statement: "SELECT * FROM items WHERE order_id = ?",
    repeats: 8,
    ...over,
  }) as AnalyzedOffender;

const ack = { reason: "known, fix planned", author: "bob" };
const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe("gate: acknowledgements", () => {
  it("passes an offender acknowledged by id or by endpoint glob, and fails the rest", () => {
    const orders = finding({});
    const admin = finding({ id: "def", endpoint: "GET /admin/users" });
    const other = finding({ id: "ghi", endpoint: "GET /posts" });
    const gated = gate([orders, admin, other], null, 0.5, [
      { id: "abc", ...ack },
      { endpoint: "GET /admin/*", ...ack },
    ]);
    expect(gated.map((g) => g.status)).toEqual(["acknowledged", "acknowledged", "new"]);
    expect(failing(gated).map((g) => g.finding.id)).toEqual(["ghi"]);
  });

  it("matches the statement normalized, and needs every field given to match", () => {
    const f = finding({});
    const byStatement = { statement: "select * from items where order_id = 42", ...ack };
    expect(gate([f], null, 0.5, [byStatement])[0]?.status).toBe("acknowledged");
    expect(gate([f], null, 0.5, [{ ...byStatement, service: "billing" }])[0]?.status).toBe("new");
    expect(gate([f], null, 0.5, [{ id: "zzz", endpoint: "GET /orders", ...ack }])[0]?.status).toBe("new");
  });

  it("keeps an acknowledgement through its expiry day, and fails the offender again after it", () => {
    const a = { id: "abc", ...ack, expires: "2026-12-31" };
    expect(gate([finding({})], null, 0.5, [a], day("2026-12-31"))[0]).toMatchObject({
      status: "acknowledged",
      acknowledgement: { expired: false },
    });
    expect(gate([finding({})], null, 0.5, [a], day("2027-01-01"))[0]).toMatchObject({
      status: "new",
      acknowledgement: { expired: true, author: "bob" },
    });
  });
});

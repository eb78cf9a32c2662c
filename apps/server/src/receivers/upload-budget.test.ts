import { describe, expect, it } from "vitest";
import { clientOf, UploadBudget } from "./upload-budget.js";

describe("UploadBudget", () => {
  it("admits uploads while the total has room, and refuses one that would pass it", () => {
    const budget = new UploadBudget(100, 100);
    expect(budget.charge("a", 60, 0)).toBe(true);
    expect(budget.admits("b", 30)).toBe(true);
    expect(budget.admits("b", 50)).toBe(false);
    expect(budget.charge("b", 30, 0)).toBe(true);
    expect(budget.charge("b", 20, 30)).toBe(false);
    expect(budget.usedBytes).toBe(90);
  });

  it("keeps one client to its share, so others can still send", () => {
    const budget = new UploadBudget(100, 50);
    expect(budget.charge("stalled", 40, 0)).toBe(true);
    expect(budget.admits("stalled", 20)).toBe(false);
    expect(budget.charge("stalled", 20, 0)).toBe(false); // a second upload of the same client
    expect(budget.admits("other", 50)).toBe(true);
    expect(budget.charge("other", 50, 0)).toBe(true);
  });

  it("admits one oversized upload when nothing else holds the limit", () => {
    const budget = new UploadBudget(100, 50);
    expect(budget.admits("a", 500)).toBe(true);
    expect(budget.charge("a", 300, 0)).toBe(true);
    expect(budget.charge("a", 200, 300)).toBe(true);
    expect(budget.admits("b", 1)).toBe(false);
  });

  it("gives bytes back, forgetting clients that hold nothing", () => {
    const budget = new UploadBudget(100, 50);
    budget.charge("a", 30, 0);
    budget.charge("b", 10, 0);
    budget.release("a", 30);
    expect(budget.usedBytes).toBe(10);
    expect(budget.heldBy("a")).toBe(0);
    expect(budget.clients).toBe(1);
  });
});

describe("clientOf", () => {
  it("reads node socket addresses and grpc-js peers as the host alone", () => {
    expect(clientOf("127.0.0.1")).toBe("127.0.0.1");
    expect(clientOf("10.1.2.3:51234")).toBe("10.1.2.3");
    expect(clientOf("::ffff:10.1.2.3")).toBe("10.1.2.3");
    expect(clientOf("::1")).toBe("::1");
    expect(clientOf("[::1]:4000")).toBe("::1");
    expect(clientOf("[2001:db8::7]:443")).toBe("2001:db8::7");
    expect(clientOf(undefined)).toBe("unknown");
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./api";
import type { PageVisibility } from "./poll";
import { REFRESH_MS, refresh } from "./refresh";

const visible: PageVisibility = { hidden: () => false, onChange: () => () => {} };

describe("refresh", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("loads at once, on every trigger and every REFRESH_MS", async () => {
    let fire = () => {};
    const trigger = (f: () => void) => {
      fire = f;
      return () => {};
    };
    const load = vi.fn(async () => {});
    const stop = refresh(load, vi.fn(), "fallback", trigger, visible);
    await vi.advanceTimersByTimeAsync(0);
    expect(load).toHaveBeenCalledTimes(1);
    fire();
    await vi.advanceTimersByTimeAsync(0);
    expect(load).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(REFRESH_MS);
    expect(load).toHaveBeenCalledTimes(3);
    stop();
  });

  it("reports the API's message, else the fallback, and ignores aborts", async () => {
    const failed = vi.fn();
    const errors = [
      new ApiError(404, "not_found", "No such finding."),
      new TypeError("Failed to fetch"),
      new DOMException("aborted", "AbortError"),
    ];
    let i = 0;
    const stop = refresh(
      async () => {
        throw errors[i++];
      },
      failed,
      "Could not load.",
      undefined,
      visible,
    );
    await vi.advanceTimersByTimeAsync(2 * REFRESH_MS);
    expect(i).toBe(3);
    expect(failed.mock.calls).toEqual([
      ["No such finding.", errors[0]],
      ["Could not load.", errors[1]],
    ]);
    stop();
  });
});

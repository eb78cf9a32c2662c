import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type PageVisibility, poll } from "./poll";

function fakePage() {
  let hidden = false;
  const listeners = new Set<() => void>();
  const page: PageVisibility = {
    hidden: () => hidden,
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const setHidden = (value: boolean) => {
    hidden = value;
    for (const listener of listeners) listener();
  };
  return { page, setHidden, listeners };
}

describe("poll", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs at once, then every interval after the previous run ends", async () => {
    const { page } = fakePage();
    const task = vi.fn(async () => {});
    const stop = poll(task, 5000, page);
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(4999);
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(task).toHaveBeenCalledTimes(2);
    stop();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(task).toHaveBeenCalledTimes(2);
  });

  it("keeps going after a failed run", async () => {
    const { page } = fakePage();
    const task = vi.fn(async () => {
      throw new Error("down");
    });
    const stop = poll(task, 1000, page);
    await vi.advanceTimersByTimeAsync(3000);
    expect(task).toHaveBeenCalledTimes(4);
    stop();
  });

  it("pauses while hidden and refreshes when shown", async () => {
    const { page, setHidden, listeners } = fakePage();
    const task = vi.fn(async () => {});
    const stop = poll(task, 1000, page);
    await vi.advanceTimersByTimeAsync(0);
    setHidden(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(task).toHaveBeenCalledTimes(1);
    setHidden(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(2);
    stop();
    expect(listeners.size).toBe(0);
  });

  it("aborts the run in flight when stopped", async () => {
    const { page } = fakePage();
    let signal: AbortSignal | undefined;
    const stop = poll(
      async (s) => {
        signal = s;
      },
      1000,
      page,
    );
    stop();
    expect(signal?.aborted).toBe(true);
  });

  it("runs when triggered, and once more after a run that a trigger interrupted", async () => {
    const { page } = fakePage();
    let fire = () => {};
    let subscribed = 0;
    const trigger = (f: () => void) => {
      fire = f;
      subscribed++;
      return () => subscribed--;
    };
    let finish = () => {};
    const task = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const stop = poll(task, 60_000, page, trigger);
    expect(task).toHaveBeenCalledTimes(1);
    fire(); // during the first run: queued
    fire();
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(2);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    fire(); // idle: runs at once instead of waiting a minute
    expect(task).toHaveBeenCalledTimes(3);
    finish();
    stop();
    expect(subscribed).toBe(0);
  });
});

// Repeats an async task every `intervalMs`, measured from the end of the previous run so slow responses
// never pile up. Pauses while the tab is hidden and runs at once when it is shown again. A `trigger` (the
// live-update stream) can ask for a run at any time; a request during a run queues one more run right after.

export interface PageVisibility {
  hidden(): boolean;
  /** Calls `listener` when visibility changes; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}

export function documentVisibility(): PageVisibility {
  return {
    hidden: () => document.visibilityState === "hidden",
    onChange: (listener) => {
      document.addEventListener("visibilitychange", listener);
      return () => document.removeEventListener("visibilitychange", listener);
    },
  };
}

/** Subscribes `fire` to some source of "something changed"; returns an unsubscribe function. */
export type Trigger = (fire: () => void) => () => void;

/** Starts polling right away; the returned function stops it and aborts a run in flight. */
export function poll(
  task: (signal: AbortSignal) => Promise<void>,
  intervalMs: number,
  page: PageVisibility = documentVisibility(),
  trigger?: Trigger,
): () => void {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;

  const cancelTimer = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const schedule = () => {
    if (!controller.signal.aborted && !page.hidden() && timer === undefined)
      timer = setTimeout(run, intervalMs);
  };
  const run = async () => {
    timer = undefined;
    if (controller.signal.aborted || running || page.hidden()) return;
    running = true;
    try {
      await task(controller.signal);
    } catch {
      // The task shows its own errors; one failure must not end polling.
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      void run();
    } else schedule();
  };

  const unsubscribe = page.onChange(() => {
    cancelTimer();
    if (!page.hidden()) void run();
  });
  const untrigger =
    trigger?.(() => {
      if (running) {
        again = true;
        return;
      }
      cancelTimer();
      void run();
    }) ?? (() => {});
  void run();

  return () => {
    controller.abort();
    cancelTimer();
    unsubscribe();
    untrigger();
  };
}

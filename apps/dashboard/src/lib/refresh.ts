// A page's data kept fresh: loaded at once, again on every live update (the event stream, see live.svelte.ts)
// and every REFRESH_MS, the safety net if the stream is blocked (see poll).
import { ApiError, isAbort } from "./api";
import { type PageVisibility, poll, type Trigger } from "./poll";

export const REFRESH_MS = 30_000;

/**
 * Starts refreshing and returns the stop function (an $effect's cleanup). `load` fetches and stores; a failure
 * other than an abort reaches `failed` with the message to show (the API's own, else `fallback`) and the error.
 */
export function refresh(
  load: (signal: AbortSignal) => Promise<void>,
  failed: (message: string, error: unknown) => void,
  fallback: string,
  trigger?: Trigger,
  page?: PageVisibility,
): () => void {
  return poll(
    async (signal) => {
      try {
        await load(signal);
      } catch (e) {
        if (isAbort(e)) return;
        failed(e instanceof ApiError ? e.message : fallback, e);
      }
    },
    REFRESH_MS,
    page,
    trigger,
  );
}

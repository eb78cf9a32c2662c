/**
 * Live updates for the dashboard: Server-Sent Events on GET /api/events. The pipeline tells the hub after each
 * flush that wrote offenders, and the API after each status or rule change; every open dashboard then refetches
 * what it shows. SSE rather than polling: a change shows up within a flush interval instead of a poll period,
 * and an idle dashboard costs one open connection and a heartbeat instead of a list query every few seconds.
 * EventSource reconnects by itself; the dashboard also refetches on reconnect, so nothing missed stays missed.
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";

export type LiveReason = "flush" | "status" | "rules";

export interface LiveEvent {
  reason: LiveReason;
  /** Offenders written, for "flush". */
  offenders?: number;
  at: string;
}

type Listener = (event: LiveEvent) => void;

/** Keeps idle connections alive through proxies that drop silent ones (often after 30-60 s). */
const HEARTBEAT_MS = 20_000;
/** How long EventSource waits before reconnecting after the stream drops. */
const RETRY_MS = 2_000;

export class LiveHub {
  private readonly listeners = new Set<Listener>();
  private readonly closers = new Set<() => void>();
  private closed = false;
  /** Passes each event published here on to the other replicas (app.ts: the store's change notices). */
  relay?: (event: LiveEvent) => void;

  constructor(private readonly now: () => number = Date.now) {}

  get connections(): number {
    return this.closers.size;
  }

  publish(reason: LiveReason, offenders?: number): void {
    const event: LiveEvent = { reason, at: new Date(this.now()).toISOString() };
    if (offenders !== undefined) event.offenders = offenders;
    this.deliver(event);
    this.relay?.(event);
  }

  /** Tells this replica's open dashboards; for events published here, and those another replica relayed. */
  deliver(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Ends every open stream: servers cannot close while an event stream holds its connection open. */
  close(): void {
    this.closed = true;
    for (const close of [...this.closers]) close();
  }

  /** The GET /api/events handler. */
  handle(c: Context): Response {
    return streamSSE(c, async (stream) => {
      if (this.closed) return;
      let end = () => {};
      const ended = new Promise<void>((resolve) => {
        end = resolve;
      });
      // Writes are not awaited: a slow client must not hold up the others. Events are tiny and rare.
      const listener: Listener = (event) =>
        void stream.writeSSE({ event: "update", data: JSON.stringify(event) });
      const heartbeat = setInterval(() => void stream.write(": keep-alive\n\n"), HEARTBEAT_MS);
      this.listeners.add(listener);
      this.closers.add(end);
      stream.onAbort(end);
      try {
        await stream.writeSSE({ event: "ready", data: "{}", retry: RETRY_MS });
        await ended;
      } finally {
        clearInterval(heartbeat);
        this.listeners.delete(listener);
        this.closers.delete(end);
      }
    });
  }
}

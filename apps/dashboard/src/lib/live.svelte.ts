// Live updates: one EventSource on /api/events for the whole tab. The server sends "update" after each flush
// that wrote findings and after status or rule changes; pages subscribe (see poll's trigger) and refetch.
// EventSource reconnects by itself; after a reconnect, subscribers refetch in case they missed something.

type Listener = () => void;

/** Bursts of updates (many flushes in a row) cost one refetch per page. */
const COALESCE_MS = 250;

class Live {
  /** The event stream is open. */
  connected = $state(false);
  private readonly listeners = new Set<Listener>();
  private source: EventSource | null = null;
  private everConnected = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** A poll() trigger: calls `fire` on every update while subscribed. */
  readonly trigger = (fire: Listener): (() => void) => {
    this.listeners.add(fire);
    this.open();
    return () => {
      this.listeners.delete(fire);
    };
  };

  private open(): void {
    if (this.source !== null || typeof EventSource === "undefined") return;
    const source = new EventSource("/api/events");
    this.source = source;
    source.addEventListener("ready", () => {
      this.connected = true;
      if (this.everConnected) this.notify();
      this.everConnected = true;
    });
    source.addEventListener("update", () => this.notify());
    // EventSource retries on its own (the server's `retry` sets the delay); only the indicator changes here.
    source.addEventListener("error", () => {
      this.connected = false;
    });
  }

  private notify(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const listener of [...this.listeners]) listener();
    }, COALESCE_MS);
  }
}

export const live = new Live();

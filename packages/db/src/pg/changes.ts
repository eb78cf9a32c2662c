/**
 * Change notices between replicas on PostgreSQL: LISTEN/NOTIFY on one channel. Each store tags what it sends with
 * an id of its own and ignores its own notices (it already told its own dashboards). The listening connection is
 * a dedicated client, reconnected a second after it drops; notices sent while it was down are lost, which the
 * dashboard tolerates (it refetches on reconnect, and every flush sends another).
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { StoreChange } from "../store.js";

const CHANNEL = "n1radar_changes";

export interface ChangeChannel {
  announce(pool: pg.Pool, change: StoreChange): Promise<void>;
  listen(listener: (change: StoreChange) => void): Promise<void>;
  close(): Promise<void>;
}

export function changeChannel(databaseUrl: string): ChangeChannel {
  const origin = randomUUID();
  const listeners: ((change: StoreChange) => void)[] = [];
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
    const again = () => {
      if (client === next) client = undefined;
      if (!closed)
        retry ??= setTimeout(() => {
          retry = undefined;
          void connect().catch(() => again());
        }, 1_000);
    };
    next.on("error", again);
    next.on("end", again);
    next.on("notification", (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      let parsed: { origin?: string; change?: StoreChange };
      try {
        parsed = JSON.parse(message.payload) as typeof parsed;
      } catch {
        return;
      }
      if (parsed.origin === origin || !parsed.change) return;
      for (const listener of listeners) listener(parsed.change);
    });
    await next.connect();
    await next.query(`LISTEN ${CHANNEL}`);
    if (closed) await next.end();
    else client = next;
  };

  return {
    async announce(pool, change) {
      await pool.query("SELECT pg_notify($1, $2)", [CHANNEL, JSON.stringify({ origin, change })]);
    },
    async listen(listener) {
      listeners.push(listener);
      connecting ??= connect();
      await connecting;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const open = client;
      client = undefined;
      await open?.end().catch(() => {});
    },
  };
}

/**
 * The whole n1radar service as one object, wired once for `npm start` and for every integration test: open the
 * store, build the app, listen (OTLP/HTTP, OTLP/gRPC, then the API, so the dashboard never shows a service that
 * cannot yet receive), tick, and stop in the one order that loses nothing acknowledged:
 *
 * 1. refuse new work (HTTP 503 with Retry-After, gRPC UNAVAILABLE) and close every connection at once, idle or
 *    stalled: an upload that has not been answered was not acknowledged, so its sender retries it elsewhere or
 *    later; waiting on it would only let a slow or hostile client hold the process past its grace period;
 * 2. feed the ingest queue to the pipeline, judge every open trace, write every finding;
 * 3. let alert deliveries in flight finish (queued ones stay in the outbox for the next start);
 * 4. close the store (checkpointing SQLite's WAL).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { openStore, type Store } from "@n1radar/db";
import { type App, type AppDeps, createApp } from "./app.js";
import { JournalReleaser, replayJournal } from "./processors/durable-ingest.js";
import { Journal } from "./receivers/journal.js";
import { type OtlpGrpcServer, startOtlpGrpcServer } from "./receivers/otlp-grpc.js";
import type { RequestListener } from "./receivers/otlp-http.js";

export interface ServiceSettings extends Omit<AppDeps, "db" | "pipelineWorkers" | "journal"> {
  /** Address every port listens on. */
  host: string;
  /** 0 picks a free port (tests); `addresses()` tells which. */
  ports: { api: number; otlpHttp: number; otlpGrpc: number };
  databaseUrl: string;
  /**
   * Worker threads for detection, guidance and store writes (PIPELINE_WORKERS, default 1); 0, or an in-memory
   * SQLite database (which other connections cannot open), runs them in this thread.
   */
  pipelineWorkers?: number;
  /**
   * INGEST_DURABLE: answer 200 / OK only once a request is in the journal in `journalDir`, replay it at start-up
   * (before listening), and release its segments as the pipeline finishes with them.
   */
  durable?: { journalDir: string };
  /** Period of the timer that judges traces whose wait ran out and sends due alerts. */
  tickMs?: number;
  /** How long stop() lets in-flight gRPC calls finish before cutting them. */
  grpcGraceMs?: number;
}

export interface ServiceAddresses {
  api: number;
  otlpHttp: number;
  otlpGrpc: number;
}

export interface Service {
  /** Opens the store and listens; rejects (with everything closed again) when a port cannot be opened. */
  start(): Promise<ServiceAddresses>;
  /** Drains and closes (see the file's comment); safe to call twice. */
  stop(): Promise<void>;
  /** The running app and store; throw before start(). */
  readonly app: App;
  readonly store: Store;
}

/** A busy port reads as a sentence naming the setting, never a stack trace. */
function listenError(what: string, port: number, error: NodeJS.ErrnoException): Error {
  return new Error(
    error.code === "EADDRINUSE" ? `${what} port ${port} is already in use` : `${what}: ${error.message}`,
  );
}

function listenHttp(listener: RequestListener, host: string, port: number, what: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(listener);
    server.once("error", (error: NodeJS.ErrnoException) => reject(listenError(what, port, error)));
    server.listen(port, host, () => resolve(server));
  });
}

/** Stops listening and drops every connection now, including uploads stalled mid-body (see the file's comment). */
function closeNow(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

export function createService(settings: ServiceSettings): Service {
  let running:
    | {
        app: App;
        store: Store;
        servers: Server[];
        grpc: OtlpGrpcServer | undefined;
        ticker?: NodeJS.Timeout;
        journal?: { journal: Journal; releaser: JournalReleaser };
      }
    | undefined;
  let stopped: Promise<void> | undefined;

  const required = () => {
    if (!running) throw new Error("the service is not started");
    return running;
  };

  const closeListeners = async (r: NonNullable<typeof running>) => {
    r.app.live.close(); // open dashboards' event streams would keep the API server from closing
    await Promise.all([r.grpc?.close(settings.grpcGraceMs ?? 1_000), ...r.servers.map(closeNow)]);
  };

  return {
    get app() {
      return required().app;
    },
    get store() {
      return required().store;
    },

    async start() {
      const store = await openStore(settings.databaseUrl);
      let app: App;
      let opened: Awaited<ReturnType<typeof Journal.open>> | undefined;
      try {
        if (settings.durable) opened = await Journal.open(settings.durable.journalDir);
        // Requests of the journal already stored: replayed, they are judged again but add nothing.
        const storedRequests = opened ? await store.listJournalRequests(opened.journal.id) : [];
        const { pipelineWorkers = 1, databaseUrl, durable: _durable, ...deps } = settings;
        app = await createApp({
          ...deps,
          db: store,
          ...(pipelineWorkers > 0 && !databaseUrl.endsWith(":memory:")
            ? { pipelineWorkers: { count: pipelineWorkers, databaseUrl } }
            : {}),
          ...(opened ? { journal: { journal: opened.journal, storedRequests } } : {}),
        });
      } catch (error) {
        await opened?.journal.close();
        await store.close();
        throw error;
      }
      const r: NonNullable<typeof running> = { app, store, servers: [], grpc: undefined };
      running = r;
      try {
        if (opened) {
          // Before listening: what was acknowledged before the last stop is judged first.
          await replayJournal(opened.replay, app.queue);
          r.journal = {
            journal: opened.journal,
            releaser: new JournalReleaser(opened.journal, store, app.queue, app.pipeline),
          };
        }
        const { host, ports } = settings;
        r.servers.push(await listenHttp(app.otlpHttp, host, ports.otlpHttp, "OTLP/HTTP"));
        r.grpc = await startOtlpGrpcServer({
          receiver: app.receiver,
          host,
          port: ports.otlpGrpc,
          maxMessageBytes: settings.maxBodyBytes,
          uploads: app.uploads,
          uploadTimeoutMs: app.uploadTimeoutMs,
        }).catch((error: Error) => {
          // grpc-js reports a busy port as "No address added out of total 1 resolved".
          throw new Error(`OTLP/gRPC port ${ports.otlpGrpc} could not be opened: ${error.message}`);
        });
        r.servers.push(await listenHttp(getRequestListener(app.api.fetch), host, ports.api, "dashboard/API"));
      } catch (error) {
        await closeListeners(r);
        await app.pipeline.close();
        await opened?.journal.close();
        await store.close();
        running = undefined;
        throw error;
      }
      // Ticks judge traces whose wait ran out and write findings that are due (FLUSH_INTERVAL_MS); a short period
      // keeps a finding's way to the API well under a second. The alert worker plans and sends on the same beat.
      app.pruner.start();
      r.ticker = setInterval(() => {
        app.pipeline.tick();
        app.alerts.tick();
        r.journal?.releaser.tick();
      }, settings.tickMs ?? 50);
      const [otlpHttp, api] = r.servers.map((s) => (s.address() as AddressInfo).port) as [number, number];
      return { api, otlpHttp, otlpGrpc: r.grpc.port };
    },

    stop() {
      stopped ??= (async () => {
        const r = running;
        if (!r) return;
        r.app.receiver.stopping = true;
        clearInterval(r.ticker);
        await closeListeners(r);
        // A 200 (or OK) promised that these spans will be judged.
        r.app.queue.drainAll();
        try {
          await r.app.pipeline.drain();
          if (r.journal) {
            // Everything acknowledged is judged and stored: the journal can go (a failed drain keeps it).
            await r.journal.releaser.idle();
            await r.journal.releaser.release();
          }
        } finally {
          await r.app.pipeline.close();
          await r.journal?.releaser.idle();
          await r.journal?.journal.close();
          await r.app.alerts.idle();
          await r.app.pruner.stop();
          await r.store.close();
        }
      })();
      return stopped;
    },
  };
}

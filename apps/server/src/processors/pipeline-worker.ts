/**
 * One pipeline worker thread (see pipeline-workers.ts): the in-process Pipeline on its own store connection,
 * driven by messages from the thread that serves sockets.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { IgnoreRule } from "@n1radar/core";
import { openStore, type Store } from "@n1radar/db";
import { isIgnored } from "@n1radar/detector";
import { ServiceOrms } from "@n1radar/guidance";
import { alertThresholds } from "../alerts/worker.js";
import { type LogLevel, log, setLogLevel } from "../log.js";
import { Pipeline } from "./pipeline.js";
import type { FromWorker, ToWorker, WorkerInit } from "./pipeline-protocol.js";

if (!parentPort) throw new Error("pipeline-worker.js runs as a worker thread");
const port = parentPort;
const init = workerData as WorkerInit;
setLogLevel(init.logLevel as LogLevel);
const post = (message: FromWorker) => port.postMessage(message);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function start(): Promise<{ pipeline: Pipeline; store: Store }> {
  // A second connection of this process: the main thread's opened the store first and did its housekeeping.
  const store = await openStore(init.databaseUrl, { secondary: true, poolSize: 2 });
  const serviceOrms = new ServiceOrms();
  for (const stored of await store.storedOrms())
    serviceOrms.rememberStored(stored.service, stored.statement, stored.guidance);
  let rules: IgnoreRule[] = init.ignoreRules;
  const pipeline = new Pipeline({
    db: store,
    detector: init.detector,
    assembler: init.assembler,
    flushIntervalMs: init.flushIntervalMs,
    serviceOrms,
    isIgnored: (finding) => isIgnored(finding, rules),
    onFlush: (offenders) => post({ type: "flushed", offenders }),
    onWrite: (seconds) => post({ type: "wrote", seconds }),
    onWriteError: (error) => post({ type: "writeError", message: messageOf(error) }),
    alertThresholds: () => alertThresholds(store),
    ...(init.journal === undefined ? {} : { journal: init.journal }),
    ...(init.storedRequests === undefined ? {} : { storedRequests: new Set(init.storedRequests) }),
  });
  let taken = 0;
  const stats = (): FromWorker => ({
    type: "stats",
    stats: pipeline.stats(),
    taken,
    heldFromSeq: pipeline.heldFromSeq(),
  });
  port.on("message", (message: ToWorker) => {
    switch (message.type) {
      case "spans": {
        let failed = 0;
        try {
          pipeline.accept(message.spans, message.seq);
        } catch (error) {
          failed = message.spans.length;
          log.error({ err: error, spans: failed }, "pipeline failed on a batch of spans");
        }
        taken++;
        post({ type: "taken", spans: message.spans.length, failed });
        break;
      }
      case "tick":
        pipeline.tick();
        post(stats());
        break;
      case "rules":
        rules = message.rules;
        break;
      default: {
        const { id } = message;
        const work =
          message.type === "flush"
            ? pipeline.flush()
            : message.type === "drain"
              ? pipeline.drain()
              : store.close();
        work.then(
          () => {
            post(stats());
            post({ type: "done", id });
          },
          (error: unknown) => post({ type: "done", id, error: messageOf(error) }),
        );
      }
    }
  });
  return { pipeline, store };
}

start().then(
  () => post({ type: "ready" }),
  (error: unknown) => post({ type: "startFailed", error: messageOf(error) }),
);

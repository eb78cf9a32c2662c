// Retention soak of `npm run bench`: a million traces through the real pipeline (apps/server/dist/processors/pipeline.js)
// into a real SQLite file, on a simulated clock spanning 90 days, with the offender churn of a team at work:
// 50 endpoints that always loop, 20 new ones a day, each fixed (resolved, and gone from traffic) two days later.
// Run twice in the same process: retention off (the baseline: nothing is ever deleted) and at the defaults
// (history 30 days, closed offenders 30 days), pruning hourly in batches of 500 as the server does. The database
// size must level off once the windows fill, while the baseline keeps growing.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultRetention, openSqliteStore, openStore } from "@n1radar/db";
import { postgresBinDir, startPgCluster } from "@n1radar/db/testing";
import { defaultAssemblerSettings, defaultDetectorSettings } from "@n1radar/detector";
import pg from "pg";
import { Pipeline } from "../apps/server/dist/processors/pipeline.js";

const HOUR = 3_600_000;
const DAYS = 90;
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

let ids = 0;
const hex = (n, width) => n.toString(16).padStart(width, "0");

/** One request with an N+1 (a source query, six lookups) on `route`, as the decoders produce it. */
export function requestSpans(route, atMs) {
  const traceId = hex(++ids, 32);
  const rootId = hex(++ids, 16);
  const resource = { serviceName: "shop", sdkLanguage: "nodejs", environment: null };
  const scope = { name: "bench", version: null };
  const base = {
    traceId,
    status: "unset",
    resource,
    scope,
    http: null,
    code: null,
    unit: null,
    intent: null,
    cached: false,
  };
  const query = (statement, i) => ({
    ...base,
    spanId: hex(++ids, 16),
    parentSpanId: rootId,
    name: "SELECT shop",
    kind: 3,
    startMs: atMs + i,
    endMs: atMs + i + 1,
    db: {
      system: "postgresql",
      statement,
      operation: "SELECT",
      collection: null,
      namespace: "shop",
      summary: null,
    },
  });
  const spans = [query(`SELECT id, item_id FROM lines WHERE route = '${route}'`, 0)];
  for (let i = 1; i <= 6; i++) spans.push(query(`SELECT id, name FROM items WHERE id = ${i}`, i));
  spans.push({
    ...base,
    spanId: rootId,
    parentSpanId: null,
    name: `GET ${route}`,
    kind: 2,
    startMs: atMs,
    endMs: atMs + 10,
    db: null,
    http: { method: "GET", route, path: route, statusCode: 200 },
  });
  return spans;
}

function databaseBytes(path) {
  let total = 0;
  for (const suffix of ["", "-wal"]) {
    try {
      total += statSync(path + suffix).size;
    } catch {}
  }
  return total;
}

/** A SQLite file: its size is the file and its WAL, after a checkpoint. */
function sqliteTarget() {
  const dir = mkdtempSync(join(tmpdir(), "n1-soak-"));
  const path = join(dir, "n1radar.db");
  const store = openSqliteStore(path);
  return {
    store,
    async bytes() {
      store.db.$client.pragma("wal_checkpoint(TRUNCATE)");
      return databaseBytes(path);
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database on the throwaway PostgreSQL cluster: its size is pg_database_size (autovacuum on). */
async function postgresTarget(cluster, name) {
  const url = await cluster.createDatabase(name);
  const store = await openStore(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    store,
    async bytes() {
      const { rows } = await client.query("select pg_database_size(current_database()) as n");
      return Number(rows[0].n);
    },
    async close() {
      await client.end();
      await store.close();
    },
  };
}

async function soak(label, policy, totalTraces, target) {
  const { store } = target;
  let now = Date.UTC(2026, 0, 1);
  const pipeline = new Pipeline({
    db: store,
    detector: defaultDetectorSettings,
    assembler: defaultAssemblerSettings,
    flushIntervalMs: 100,
    now: () => now,
  });
  const perHour = Math.ceil(totalTraces / (DAYS * 24));
  const samples = [];
  let sent = 0;
  let pruneMs = 0;
  const began = performance.now();
  for (let day = 0; day < DAYS; day++) {
    // The team fixes what appeared two days ago: resolved, and it stops happening.
    for (const o of (await store.findOffenders({ limit: 100_000, offset: 0 }, now)).findings)
      if (o.endpoint.startsWith(`GET /new/${day - 2}/`) && o.status !== "resolved")
        await store.setOffenderStatus(o.id, "resolved", now);
    for (let hour = 0; hour < 24; hour++) {
      // An hour's traffic arrives as one batch and is written as one flush: the clock is simulated, so a flush
      // per request (what 0.1 s flushes would give at this simulated rate) would measure only transactions.
      const batch = [];
      for (let t = 0; t < perHour && sent < totalTraces; t++, sent++) {
        const route = t % 10 < 7 ? `/stable/${t % 50}` : `/new/${day}/${t % 20}`;
        for (const span of requestSpans(route, now)) batch.push(span);
      }
      pipeline.accept(batch);
      await pipeline.flush();
      now += HOUR;
      const start = performance.now();
      for (let done = false; !done; ) done = (await store.pruneBatch(policy, now, 500)).done;
      pruneMs += performance.now() - start;
    }
    if ((day + 1) % 15 === 0) samples.push({ day: day + 1, bytes: await target.bytes() });
  }
  const seconds = (performance.now() - began) / 1000;
  await target.close();
  console.log(
    `  ${label.padEnd(34)} ${samples.map((s) => `day ${s.day}: ${mb(s.bytes)}`).join(", ")}` +
      ` | ${fmt(sent)} traces in ${seconds.toFixed(0)} s (${fmt(sent / seconds)}/s), pruning ${pruneMs.toFixed(0)} ms in all`,
  );
  return samples;
}

async function soakPair(traces, open) {
  const off = { historyDays: 0, closedOffenderDays: 0, deliveryDays: 0 };
  const baseline = await soak("retention off (baseline)", off, traces, await open("soak_off"));
  const kept = await soak(
    `defaults (history ${defaultRetention.historyDays} d, closed ${defaultRetention.closedOffenderDays} d)`,
    defaultRetention,
    traces,
    await open("soak_defaults"),
  );
  const growth = (s) => s.at(-1).bytes / s[Math.floor(s.length / 2)].bytes;
  console.log(
    `  growth over the last half of the run: baseline x${growth(baseline).toFixed(2)}, with retention x${growth(kept).toFixed(2)}`,
  );
}

/** `dialects`: which stores to soak (BENCH_SOAK_DIALECTS, default both; PostgreSQL is skipped without its binaries). */
export async function benchRetention({ traces, dialects = ["sqlite", "postgres"] }) {
  if (dialects.includes("sqlite")) {
    console.log(
      `retention soak: ${fmt(traces)} traces over ${DAYS} simulated days, SQLite file size (db + WAL):`,
    );
    await soakPair(traces, async () => sqliteTarget());
  }
  if (!dialects.includes("postgres")) return;
  if (!postgresBinDir()) {
    console.log(
      "retention soak on PostgreSQL: skipped (no server binaries; npm test's pretest installs them)",
    );
    return;
  }
  console.log(
    `retention soak: ${fmt(traces)} traces over ${DAYS} simulated days, PostgreSQL pg_database_size:`,
  );
  const cluster = await startPgCluster();
  try {
    await soakPair(traces, (name) => postgresTarget(cluster, name));
  } finally {
    await cluster.stop();
  }
}

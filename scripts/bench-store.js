// The store in `npm run bench`: offenders written per second with the detector's real write pattern (what the
// pipeline writes per flush: one delta per distinct offender, with its hour buckets, histogram and sample), on
// SQLite and on PostgreSQL, then two replicas writing the same offenders at once to one PostgreSQL (the
// scale-out shape behind the Collector's loadbalancing exporter). The flushes are made beforehand by the real
// detector and accumulator, so only the store's writes are timed. PostgreSQL runs in a throwaway cluster on this
// machine (Debian's server binaries), so the pair shares the cores with it: the node process's CPU share says
// which side limits.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FindingAccumulator } from "@n1radar/core";
import { openStore } from "@n1radar/db";
import { postgresBinDir, startPgCluster } from "@n1radar/db/testing";
import { defaultDetectorSettings, detect, offenderId } from "@n1radar/detector";
import { guidanceFor } from "@n1radar/guidance";
import { requestSpans } from "./bench-retention.js";

const fmt = (n) => Math.round(n).toLocaleString("en-US");
const HOUR = 3_600_000;

/**
 * `count` flushes of `offenders` distinct offenders each, `tracesEach` traces behind each, `spacingMs` apart (a
 * minute: the stored samples are kept; an hour: each flush's as-repeated sample replaces them, with its guidance).
 */
export function makeFlushes({ count, offenders, tracesEach, spacingMs = HOUR / 60 }) {
  const flushes = [];
  let now = Date.UTC(2026, 0, 1, 9);
  for (let f = 0; f < count; f++) {
    const acc = new FindingAccumulator(offenderId);
    for (let t = 0; t < tracesEach; t++)
      for (let o = 0; o < offenders; o++)
        acc.addTrace(detect(requestSpans(`/bench/${o}`, now + t), defaultDetectorSettings));
    flushes.push(acc.drain().map((delta) => ({ delta, guidance: () => guidanceFor(delta.sample) })));
    now += spacingMs;
  }
  return flushes;
}

/** Each store writes every flush in turn (the pipeline's one write at a time); all stores at once. */
export async function writeAll(stores, flushes, { postgres = false } = {}) {
  const cpu = process.cpuUsage();
  const pgBefore = postgres ? postgresCpuSeconds() : 0;
  const began = performance.now();
  const perFlushMs = [];
  await Promise.all(
    stores.map(async (store) => {
      for (const writes of flushes) {
        const t = performance.now();
        await store.recordDeltas(writes, { nowMs: Date.now() });
        perFlushMs.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  const used = process.cpuUsage(cpu);
  const written = stores.length * flushes.reduce((n, w) => n + w.length, 0);
  perFlushMs.sort((a, b) => a - b);
  return {
    rate: written / seconds,
    medianFlushMs: perFlushMs[Math.floor(perFlushMs.length / 2)],
    nodeCpu: (used.user + used.system) / 1000 / (seconds * 1000),
    ...(postgres ? { pgCpu: (postgresCpuSeconds() - pgBefore) / seconds } : {}),
  };
}

/** CPU seconds used so far by every process named postgres (the throwaway cluster's server processes). */
function postgresCpuSeconds() {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!stat.includes("(postgres)")) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {}
  }
  return ticks / 100;
}

function report(label, r, offenders) {
  console.log(
    `  ${label.padEnd(34)} ${fmt(r.rate).padStart(7)} offenders/s | a flush of ${offenders} offenders: ` +
      `${r.medianFlushMs.toFixed(1)} ms median | node CPU ${(r.nodeCpu * 100).toFixed(0)}% of one core` +
      (r.pgCpu === undefined ? "" : `, PostgreSQL ${(r.pgCpu * 100).toFixed(0)}%`),
  );
}

export async function benchStore({ flushes: count = 20, offenders = 200, tracesEach = 3 } = {}) {
  const flushes = makeFlushes({ count, offenders, tracesEach });
  console.log(
    `store: ${count} flushes of ${offenders} distinct offenders (${tracesEach} traces each), as the pipeline writes them.` +
      " A write runs in the pipeline's worker thread and folds whatever arrives meanwhile into the next one, so its" +
      " time delays findings reaching the API, never ingest:",
  );
  const dir = mkdtempSync(join(tmpdir(), "n1-bench-store-"));
  try {
    const sqlite = await openStore(join(dir, "n1radar.db"));
    const kept = await writeAll([sqlite], flushes);
    report("SQLite file, one process", kept, offenders);
    await sqlite.close();
    // Baseline: the same offenders, flushes an hour apart, so every write replaces the sample and its guidance
    // (as every write did before samples were kept for an hour).
    const hourly = await openStore(join(dir, "n1radar-hourly.db"));
    const rewritten = await writeAll(
      [hourly],
      makeFlushes({ count, offenders, tracesEach, spacingMs: HOUR }),
    );
    report("SQLite, every sample rewritten", rewritten, offenders);
    console.log(`  samples kept / rewritten: x${(kept.rate / rewritten.rate).toFixed(2)} offenders/s`);
    await hourly.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!postgresBinDir()) {
    console.log(
      "  PostgreSQL: skipped (no server binaries under /usr/lib/postgresql; npm test's pretest installs them)",
    );
    return;
  }
  const cluster = await startPgCluster();
  try {
    const one = await openStore(await cluster.createDatabase("bench_one"));
    const single = await writeAll([one], flushes, { postgres: true });
    report("PostgreSQL, one replica", single, offenders);
    await one.close();
    const url = await cluster.createDatabase("bench_two");
    const pair = await Promise.all([openStore(url), openStore(url)]);
    const two = await writeAll(pair, flushes, { postgres: true });
    report("PostgreSQL, two replicas at once", two, offenders);
    const [check] = (await pair[0].findOffenders({ limit: 1, offset: 0 }, Date.now())).findings;
    console.log(
      `  (the pair wrote the same offenders: each has ${check.traces} traces, 2 x ${count} flushes x ${tracesEach})`,
    );
    console.log(
      `  two replicas / one: ${(two.rate / single.rate).toFixed(2)} of the offenders/s. They write the same offenders, so` +
        " each waits on the other's row locks; the cores (2 here) are shared by both Node processes and PostgreSQL.",
    );
    await Promise.all(pair.map((s) => s.close()));
  } finally {
    await cluster.stop();
  }
}

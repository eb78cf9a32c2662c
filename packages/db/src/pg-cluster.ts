/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server binaries
 * (/usr/lib/postgresql/<version>/bin), a data directory in a fresh temporary directory, a free port on 127.0.0.1,
 * trust authentication, no fsync (the data is thrown away). PostgreSQL refuses to run as root, so when this
 * process is root the cluster is made and run as the unprivileged `postgres` user (`runuser -u postgres --`),
 * which owns the directory. `npm test`'s pretest installs Debian's `postgresql` when it is missing.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { chown } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
const POSTGRES_ROOT = "/usr/lib/postgresql";

/** The bin directory of the newest installed PostgreSQL server, or null. */
export function postgresBinDir(root = POSTGRES_ROOT): string | null {
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : join(root, versions[0], "bin");
}

export interface PgCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** Creates an empty database and returns its URL: one per test file keeps tests apart. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let databases = 0;

/** Starts a cluster with the newest server under `root` (default /usr/lib/postgresql; POSTGRES_ROOT in tests). */
export async function startPgCluster(options: { root?: string } = {}): Promise<PgCluster> {
  const root = options.root ?? POSTGRES_ROOT;
  const bin = postgresBinDir(root);
  if (!bin)
    throw new Error(
      `PostgreSQL is not installed (no ${root}/<version>/bin/initdb): run the tests with npm test from ` +
        "the repository root (its pretest installs Debian's postgresql), or apt-get install postgresql",
    );
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "n1radar-pg-"));
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const as = (command: string, args: string[]) =>
    asRoot
      ? run("runuser", ["-u", "postgres", "--", join(bin, command), ...args])
      : run(join(bin, command), args);
  const data = join(dir, "data");
  const port = await freePort();
  try {
    await as("initdb", [
      "-D",
      data,
      "-A",
      "trust",
      "-U",
      "postgres",
      "-E",
      "UTF8",
      "--no-sync",
      "--locale=C",
    ]);
    await as("pg_ctl", [
      "-D",
      data,
      "-l",
      join(dir, "server.log"),
      "-w",
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200`,
      "start",
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    async createDatabase(name = `n1radar_${process.pid}_${++databases}`) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      try {
        await as("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

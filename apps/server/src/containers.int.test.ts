/**
 * No Docker engine runs here, so this checks what can be checked of the Dockerfile and docker-compose.yml
 * without one: both parse; every path they take from the repo exists (and every build output they copy has a
 * build script); every port and variable they set is one the server's config (config.ts) and the README's
 * settings table know, with a value the config accepts; the image runs what `npm start` runs, as non-root,
 * with its data in a volume and a HEALTHCHECK on /api/health.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DockerfileParser, type Instruction } from "dockerfile-ast";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseConfig } from "./config.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const read = (path: string) => readFileSync(join(repo, path), "utf8");

// The repo paths a shell glob with whole-segment stars (packages/STAR/dist) matches, as cp would expand it.
function expand(pattern: string): string[] {
  let paths = [""];
  for (const segment of pattern.split("/")) {
    paths =
      segment === "*"
        ? paths.flatMap((p) =>
            existsSync(join(repo, p)) ? readdirSync(join(repo, p)).map((name) => join(p, name)) : [],
          )
        : paths.map((p) => join(p, segment)).filter((p) => existsSync(join(repo, p)));
  }
  return paths;
}
const dockerfile = DockerfileParser.parse(read("Dockerfile"));

/** The instructions of each stage, by stage name. */
const stages = new Map<string, Instruction[]>();
let current: Instruction[] = [];
for (const instruction of dockerfile.getInstructions()) {
  if (instruction.getKeyword() === "FROM") {
    current = [];
    stages.set(
      dockerfile
        .getFROMs()
        .find((f) => f.getRange().start.line === instruction.getRange().start.line)
        ?.getBuildStage() ?? "",
      current,
    );
  }
  current.push(instruction);
}
const of = (stage: string, keyword: string) =>
  (stages.get(stage) ?? []).filter((i) => i.getKeyword() === keyword);
const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
const jsonArgs = (i: Instruction) =>
  JSON.parse((i.getArgumentsContent() ?? "").replace(/^.*?\[/s, "[")) as string[];
/** ENV KEY=value pairs of a stage. */
const envOf = (stage: string) =>
  Object.fromEntries(
    of(stage, "ENV").flatMap((i) => args(i).map((a) => a.split("=", 2) as [string, string])),
  );

/** The variables of a README settings table: the first-column `NAME`s of the table under `heading`. */
function tableVariables(markdown: string, heading: string): Set<string> {
  const section = markdown.split(heading)[1]?.split(/\n#+ /)[0] ?? "";
  return new Set(
    [...section.matchAll(/^\| ([^|]+)\|/gm)].flatMap((m) =>
      [...(m[1] ?? "").matchAll(/`([A-Z0-9_]+)`/g)].map((v) => v[1] ?? ""),
    ),
  );
}
const serverSettings = tableVariables(read("README.md"), "## Settings");
const demoSettings = tableVariables(read("apps/demo/README.md"), "## `npm run demo`");
const configKeys = new Set(
  Object.keys(
    parseConfig({ TRACE_URL_TEMPLATE: "http://x/{traceId}", N1_IGNORE: "[]", N1_SERVICE_OVERRIDES: "{}" }),
  ),
);

describe("Dockerfile", () => {
  it("parses into known instructions, multi-stage, n1radar last", () => {
    const known = [
      "FROM",
      "ENV",
      "WORKDIR",
      "COPY",
      "RUN",
      "USER",
      "EXPOSE",
      "CMD",
      "VOLUME",
      "HEALTHCHECK",
      "STOPSIGNAL",
    ];
    for (const i of dockerfile.getInstructions()) expect(known, i.getKeyword()).toContain(i.getKeyword());
    expect(stages.size).toBeGreaterThanOrEqual(3);
    expect([...stages.keys()].at(-1)).toBe("n1radar");
    expect(stages.has("demo")).toBe(true);
  });

  it("copies only paths that exist in the repo, or from stages it defines", () => {
    for (const copy of dockerfile.getCOPYs()) {
      const from = copy.getFromFlag()?.getValue();
      const sources = args(copy)
        .filter((a) => !a.startsWith("--"))
        .slice(0, -1);
      if (from) expect([...stages.keys()], copy.getTextContent()).toContain(from);
      else for (const source of sources) expect(existsSync(join(repo, source)), source).toBe(true);
    }
  });

  it("prunes workspaces that exist, and assembles runtime files the repo or its builds produce", () => {
    const workspaces = [...expand("apps/*/package.json"), ...expand("packages/*/package.json")].map(
      (p) => JSON.parse(read(p)) as { name: string; scripts?: Record<string, string> },
    );
    const runs = dockerfile
      .getInstructions()
      .filter((i) => i.getKeyword() === "RUN")
      .map((i) => i.getArgumentsContent() ?? "");
    const pruned = runs.flatMap((r) => [...r.matchAll(/turbo@[\d.]+ prune (\S+)/g)].map((m) => m[1]));
    expect(pruned).toEqual(["@n1radar/server", "@n1radar/demo"]);
    for (const name of pruned) expect(workspaces.map((w) => w.name)).toContain(name);
    const copied = runs.flatMap((r) =>
      [...r.matchAll(/cp -R --parents ([^&]+?) \/out/g)].flatMap((m) => (m[1] ?? "").split(/[\s\\]+/)),
    );
    expect(copied).toContain("apps/*/dist");
    for (const path of copied.filter((p) => p !== "" && p !== "node_modules")) {
      const dist = path.match(/^(.*)\/dist$/);
      if (!dist) {
        expect(expand(path).length, path).toBeGreaterThan(0);
        continue;
      }
      const dirs = expand(dist[1] ?? "").filter((d) => existsSync(join(repo, d, "package.json")));
      expect(dirs.length, path).toBeGreaterThan(0);
      for (const dir of dirs)
        expect(JSON.parse(read(join(dir, "package.json"))).scripts?.build, dir).toBeTruthy();
    }
  });

  it("runs what npm start runs, as non-root, data in a volume, health on /api/health", () => {
    const start = (JSON.parse(read("package.json")) as { scripts: { start: string } }).scripts.start;
    const [cmd] = of("n1radar", "CMD");
    expect(jsonArgs(cmd!).join(" ")).toBe(start.split("&&").at(-1)?.trim());
    expect(args(of("n1radar", "USER")[0]!)).toEqual(["node"]);
    expect(args(of("demo", "USER")[0]!)).toEqual(["node"]);
    const volume = args(of("n1radar", "VOLUME")[0]!)[0]!;
    expect(envOf("n1radar").DATABASE_URL?.startsWith(`${volume}/`)).toBe(true);
    expect(of("n1radar", "HEALTHCHECK")[0]?.getArgumentsContent()).toContain("/api/health");
  });

  it("names only settings the server and its README know, with accepted values, and exposes its ports", () => {
    const env = envOf("n1radar");
    for (const name of Object.keys(env).filter((n) => n !== "NODE_ENV")) {
      expect(configKeys, name).toContain(name);
      expect(serverSettings, name).toContain(name);
    }
    const config = parseConfig(env);
    expect(args(of("n1radar", "EXPOSE")[0]!).map(Number).sort()).toEqual(
      [config.PORT, config.OTLP_HTTP_PORT, config.OTLP_GRPC_PORT].sort(),
    );
    for (const name of Object.keys(envOf("demo")).filter((n) => n !== "NODE_ENV"))
      expect(demoSettings, name).toContain(name);
  });
});

describe("docker-compose.yml", () => {
  type Service = {
    build?: { context: string; target: string };
    image?: string;
    profiles?: string[];
    ports: string[];
    environment: Record<string, string | number>;
    volumes?: string[];
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test: string[] };
  };
  const compose = parseYaml(read("docker-compose.yml")) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const services = Object.entries(compose.services);
  const n1radars = services.filter(([, s]) => s.build?.target === "n1radar");
  const { n1radar, demo, collector } = compose.services;
  const envOfService = (s: Service) =>
    Object.fromEntries(Object.entries(s.environment).map(([k, v]) => [k, String(v)]));
  const insidePorts = (s: Service) => s.ports.map((p) => Number(p.split(":")[1]));

  it("builds each built service from a stage of the Dockerfile", () => {
    expect(n1radars.map(([name]) => name)).toEqual(["n1radar", "n1radar-1", "n1radar-2"]);
    for (const [name, service] of services.filter(([, s]) => s.build)) {
      expect(existsSync(join(repo, service.build!.context, "Dockerfile")), name).toBe(true);
      expect([...stages.keys()], name).toContain(service.build!.target);
    }
  });

  it("sets only known n1radar settings, with accepted values, and publishes only the ports they name", () => {
    const exposed = args(of("n1radar", "EXPOSE")[0]!).map(Number);
    for (const [name, service] of n1radars) {
      const env = envOfService(service);
      for (const variable of Object.keys(env)) {
        expect(configKeys, `${name} ${variable}`).toContain(variable);
        expect(serverSettings, `${name} ${variable}`).toContain(variable);
      }
      const config = parseConfig(env);
      const ports = [config.PORT, config.OTLP_HTTP_PORT, config.OTLP_GRPC_PORT];
      for (const inside of insidePorts(service)) {
        expect(ports, name).toContain(inside);
        expect(exposed, name).toContain(inside);
      }
    }
    expect(insidePorts(n1radar!).sort()).toEqual(
      (() => {
        const c = parseConfig(envOfService(n1radar!));
        return [c.PORT, c.OTLP_HTTP_PORT, c.OTLP_GRPC_PORT].sort();
      })(),
    );
  });

  const onPostgres = ([, s]: [string, Service]) =>
    /^postgres(ql)?:\/\//.test(String(s.environment.DATABASE_URL));

  it("keeps each SQLite n1radar's file in a named volume of its own", () => {
    const used = new Set<string>();
    const onSqlite = n1radars.filter((entry) => !onPostgres(entry));
    expect(onSqlite.map(([name]) => name)).toEqual(["n1radar"]);
    for (const [name, service] of onSqlite) {
      const [volume, mount] = (service.volumes?.[0] ?? "").split(":");
      expect(Object.keys(compose.volumes), name).toContain(volume);
      expect(used.has(volume!), name).toBe(false);
      used.add(volume!);
      expect(String(service.environment.DATABASE_URL).startsWith(`${mount}/`), name).toBe(true);
    }
  });

  it("has the scale-out replicas share the profile's PostgreSQL, named with its user, password, database and port", () => {
    const replicas = n1radars.filter(onPostgres);
    expect(replicas.map(([name]) => name)).toEqual(["n1radar-1", "n1radar-2"]);
    const urls = new Set(replicas.map(([, s]) => String(s.environment.DATABASE_URL)));
    expect(urls.size).toBe(1); // one database for both: the same findings, one alert each
    const url = new URL([...urls][0]!);
    const database = compose.services[url.hostname];
    expect(database?.image, url.hostname).toMatch(/^postgres:\d+/);
    expect(database?.profiles).toEqual(["scale-out"]);
    expect(url.port).toBe("5432"); // the image's port
    expect(decodeURIComponent(url.username)).toBe(database?.environment.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(database?.environment.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${database?.environment.POSTGRES_DB}`);
    expect(database?.healthcheck?.test).toEqual(
      expect.arrayContaining(["pg_isready", String(database?.environment.POSTGRES_USER)]),
    );
    const [volume, mount] = (database?.volumes?.[0] ?? "").split(":");
    expect(Object.keys(compose.volumes)).toContain(volume);
    expect(mount).toBe("/var/lib/postgresql/data");
    for (const [name, replica] of replicas) {
      expect(replica.profiles, name).toEqual(["scale-out"]);
      expect(replica.depends_on?.[url.hostname]?.condition, name).toBe("service_healthy");
      expect(replica.volumes, name).toBeUndefined();
    }
  });

  it("has the demo send to the n1radar service once it is healthy, with settings the demo documents", () => {
    expect(demo!.depends_on?.n1radar?.condition).toBe("service_healthy");
    expect(demo!.environment.N1RADAR_HOST).toBe("n1radar");
    expect(demo!.environment.PORT).toBe(n1radar!.environment.PORT);
    expect(demo!.environment.OTLP_HTTP_PORT).toBe(n1radar!.environment.OTLP_HTTP_PORT);
    for (const name of Object.keys(demo!.environment)) expect(demoSettings, name).toContain(name);
    expect(demo!.ports).toEqual([`${demo!.environment.DEMO_PORT}:${demo!.environment.DEMO_PORT}`]);
  });

  it("runs the scale-out profile's Collector on the repo's tested config, routing to both replicas' gRPC ports", () => {
    const [hostPath, , mode] = (collector!.volumes?.[0] ?? "").split(":");
    expect(mode).toBe("ro");
    const config = read(hostPath!);
    const referenced = new Set([...config.matchAll(/\$\{env:(\w+)\}/g)].map((m) => m[1]));
    expect(new Set(Object.keys(collector!.environment))).toEqual(referenced);
    const replicas = Object.entries(collector!.environment).filter(([k]) => k.startsWith("N1RADAR_REPLICA_"));
    expect(replicas.length).toBe(2);
    for (const [, address] of replicas) {
      const [host, port] = String(address).split(":");
      const replica = compose.services[host!];
      expect(replica?.build?.target, host).toBe("n1radar");
      expect(replica?.profiles).toEqual(["scale-out"]);
      expect(Number(port)).toBe(parseConfig(envOfService(replica!)).OTLP_GRPC_PORT);
      expect(collector!.depends_on?.[host!]?.condition).toBe("service_healthy");
    }
    const listen = ["OTLP_HTTP_LISTEN", "OTLP_GRPC_LISTEN"].map((k) =>
      Number(String(collector!.environment[k]).split(":")[1]),
    );
    expect(insidePorts(collector!).sort()).toEqual(listen.sort());
    expect(collector!.profiles).toEqual(["scale-out"]);
  });
});

describe("README: several replicas on PostgreSQL", () => {
  const section = read("README.md").split("## Several replicas on PostgreSQL")[1]?.split(/\n## /)[0] ?? "";
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  /** `NAME=value` pairs of a shell line (comments cut). */
  const assignments = (line: string) =>
    Object.fromEntries(
      [...(line.split("#")[0] ?? "").matchAll(/\b([A-Z0-9_]+)=(\S+)/g)].map((m) => [m[1] ?? "", m[2] ?? ""]),
    );
  const [replicaBlock = "", collectorBlock = ""] = blocks;
  const shared = assignments(replicaBlock.split("\n").find((l) => l.startsWith("export ")) ?? "");
  const replicaLines = replicaBlock.split("\n").filter((l) => /^PORT=/.test(l));

  it("starts two replicas on one PostgreSQL URL with settings the server knows, on ports of their own", () => {
    expect(replicaLines).toHaveLength(2);
    expect(String(shared.DATABASE_URL)).toMatch(/^postgres:\/\//);
    const ports: number[] = [];
    for (const line of replicaLines) {
      const env = { ...shared, ...assignments(line) };
      for (const name of Object.keys(env)) {
        expect(configKeys, name).toContain(name);
        expect(serverSettings, name).toContain(name);
      }
      const config = parseConfig(env);
      ports.push(config.PORT, config.OTLP_HTTP_PORT, config.OTLP_GRPC_PORT);
    }
    expect(new Set(ports).size).toBe(ports.length);
    expect(replicaLines[0]).toContain("npm start");
    expect(replicaLines[1]).toContain("node apps/server/dist/main.js");
    expect(existsSync(join(repo, "apps/server/src/main.ts"))).toBe(true);
  });

  it("routes the Collector's loadbalancing exporter to those replicas' gRPC ports, with the config file's names", () => {
    const config = collectorBlock.match(/--config=(\S+)/)?.[1] ?? "";
    const referenced = new Set([...read(config).matchAll(/\$\{env:(\w+)\}/g)].map((m) => m[1]));
    const exported = collectorBlock
      .split("\n")
      .filter((l) => l.startsWith("export "))
      .reduce<Record<string, string>>((all, l) => Object.assign(all, assignments(l)), {});
    expect(new Set(Object.keys(exported))).toEqual(referenced);
    expect(read(config)).toMatch(/routing_key: traceID/);
    const grpcPorts = replicaLines.map(
      (line) => parseConfig({ ...shared, ...assignments(line) }).OTLP_GRPC_PORT,
    );
    const backends = Object.entries(exported)
      .filter(([name]) => name.startsWith("N1RADAR_REPLICA_"))
      .map(([, address]) => Number(address.split(":")[1]));
    expect(backends).toEqual(grpcPorts);
  });
});

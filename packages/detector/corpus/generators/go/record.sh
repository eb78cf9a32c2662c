#!/usr/bin/env bash
# Records packages/detector/corpus/gorm/ with the real OpenTelemetry Go SDK, otelhttp and GORM's plugin, and checks
# that a real n1radar, fed the same export requests, finds every labeled N+1:
#   1. builds the monorepo and starts n1radar on N1_RECORD_PORT (API; +1 OTLP/HTTP, +2 gRPC) with a throwaway SQLite
#      file, and a throwaway PostgreSQL cluster (Debian's postgresql, run as the postgres user) on N1_RECORD_PORT+10;
#   2. records the corpus with otlptracehttp (http/protobuf), each request forwarded to n1radar's OTLP/HTTP port
#      (every p_ and f_ scenario also runs on PostgreSQL);
#   3. runs the same scenarios again with otlptracegrpc into a scratch directory, forwarded to n1radar's gRPC port;
#   4. asks n1radar's /api/overview how many traces its findings cover: both runs' positive traces, no more.
# Needs Go (1.26 here), gcc (gorm.io/driver/sqlite is cgo) and PostgreSQL (apt-get install postgresql); Go modules
# come from the Go module proxy.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
corpus="$(cd "$here/../.." && pwd)"
repo="$(cd "$corpus/../../.." && pwd)"
port="${N1_RECORD_PORT:-14650}"
work="$(mktemp -d /tmp/n1-gorm-record.XXXXXX)"
server=""
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
pg_port=$((port + 10))
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ -f "$work/pgrun/data/postmaster.pid" ] && su postgres -c "$pg_bin/pg_ctl -D $work/pgrun/data -m fast stop" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

chmod 755 "$work" && mkdir "$work/pgrun" && chown postgres "$work/pgrun"
su postgres -c "$pg_bin/initdb -D $work/pgrun/data -A trust -U postgres" >/dev/null
su postgres -c "$pg_bin/pg_ctl -D $work/pgrun/data -o '-p $pg_port -k $work/pgrun -c listen_addresses=127.0.0.1' -l $work/pgrun/log -w start" >/dev/null
dsn="host=127.0.0.1 port=$pg_port user=postgres dbname=postgres sslmode=disable"

(cd "$repo" && npx turbo run build --output-logs=errors-only >/dev/null)
(cd "$here" && go build -o "$work/gormgen" .)

PORT=$port OTLP_HTTP_PORT=$((port + 1)) OTLP_GRPC_PORT=$((port + 2)) HOST=127.0.0.1 \
  DATABASE_URL="$work/n1radar.db" TRACE_WAIT_MS=500 node "$repo/apps/server/dist/main.js" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break
  sleep 0.2
done

"$work/gormgen" -out "$corpus" -postgres "$dsn" -protocol http/protobuf -n1radar-http "http://127.0.0.1:$((port + 1))/v1/traces"
"$work/gormgen" -out "$work/grpc" -postgres "$dsn" -protocol grpc -n1radar-grpc "127.0.0.1:$((port + 2))"
(cd "$repo" && npx biome format --write packages/detector/corpus/gorm >/dev/null)

positives=$(node -e '
  const l = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(l.traces.filter((t) => t.expected.length > 0).length);' "$corpus/gorm/labels.json")
expected=$((positives * 2))
for _ in $(seq 1 50); do
  got=$(curl -sf "http://127.0.0.1:$port/api/overview" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).totals.traces));')
  [ "$got" = "$expected" ] && break
  sleep 0.2
done
echo "n1radar: findings in $got traces; expected $expected (the $positives positive traces, over http/protobuf and over gRPC)"
[ "$got" = "$expected" ]

#!/usr/bin/env bash
# Records corpus/hibernate/ from the real OpenTelemetry Java agent (see the corpus README, "Regenerating"):
# builds this Maven project (Hibernate 6, H2, the PostgreSQL driver; the agent jar copied to target/agent/),
# starts n1radar on its own ports with a throwaway database, and records each variant through record.mjs:
#   h2-http       H2 in memory, OTLP http/protobuf, the agent's default (old) database semantic conventions
#   spring-h2-http the same entities under Spring Boot: Spring Data JPA repositories, Spring MVC, HikariCP, H2
#   pg-grpc-stable PostgreSQL, OTLP gRPC, OTEL_SEMCONV_STABILITY_OPT_IN=database (db.query.text, db.namespace, ...)
# ./run.sh [variant ...]. The PostgreSQL variant needs Debian's server (apt-get install -y postgresql): a throwaway
# cluster is made under $WORK as the postgres user on port $PG_PORT and removed afterwards.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../../../.." && pwd)"
work="${WORK:-/tmp/n1-corpus-java}"
pg_port="${PG_PORT:-14550}"
export N1_OTLP_HTTP_PORT="${N1_OTLP_HTTP_PORT:-14518}" N1_OTLP_GRPC_PORT="${N1_OTLP_GRPC_PORT:-14517}"
n1_port="${N1_PORT:-14500}"
wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(h2-http pg-grpc-stable spring-h2-http)
mkdir -p "$work"

(cd "$here" && mvn -q -B clean package -DskipTests)
(cd "$repo" && npx turbo run build --filter=@n1radar/server >/dev/null) # cached when up to date

rm -f "$work"/n1radar.db*
PORT=$n1_port OTLP_HTTP_PORT=$N1_OTLP_HTTP_PORT OTLP_GRPC_PORT=$N1_OTLP_GRPC_PORT HOST=127.0.0.1 \
  DATABASE_URL="$work/n1radar.db" node "$repo/apps/server/dist/main.js" >"$work/n1radar.log" 2>&1 &
n1_pid=$!
pg_bin=/usr/lib/postgresql/15/bin
pg_data="$work/pg"
stop() {
  kill "$n1_pid" 2>/dev/null || true
  if [ -f "$pg_data/postmaster.pid" ]; then su postgres -c "$pg_bin/pg_ctl -D $pg_data -m fast stop" >/dev/null || true; fi
}
trap stop EXIT
until curl -sf "http://127.0.0.1:$n1_port/api/health" >/dev/null; do
  kill -0 "$n1_pid" 2>/dev/null || { tail -20 "$work/n1radar.log" >&2; exit 1; }
  sleep 0.5
done

for variant in "${wanted[@]}"; do
  case "$variant" in
    h2-http)
      BLOG_DB_URL="jdbc:h2:mem:blog;DB_CLOSE_DELAY=-1" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
        node "$here/record.mjs" "$variant"
      ;;
    spring-h2-http)
      BLOG_MAIN=n1radar.corpus.spring.SpringBlogApp OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
        node "$here/record.mjs" "$variant"
      ;;
    pg-grpc-stable)
      rm -rf "$pg_data" && mkdir -p "$pg_data" && chown postgres "$pg_data"
      su postgres -c "$pg_bin/initdb -D $pg_data -U postgres --auth=trust" >/dev/null
      su postgres -c "$pg_bin/pg_ctl -D $pg_data -o '-p $pg_port -k /tmp' -l $pg_data/log start -w" >/dev/null
      su postgres -c "psql -h /tmp -p $pg_port -U postgres -c 'create database blog'" >/dev/null
      BLOG_DB_URL="jdbc:postgresql://127.0.0.1:$pg_port/blog" BLOG_DB_USER=postgres \
        OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_SEMCONV_STABILITY_OPT_IN=database node "$here/record.mjs" "$variant"
      su postgres -c "$pg_bin/pg_ctl -D $pg_data -m fast stop" >/dev/null
      ;;
    *) echo "unknown variant: $variant" >&2 && exit 2 ;;
  esac
done

# What the running n1radar made of the same exports: one line per finding (the positive routes, and no others).
curl -s "http://127.0.0.1:$n1_port/api/findings?limit=100" | node -e '
  for (const f of JSON.parse(require("fs").readFileSync(0, "utf8")).findings)
    console.log(`n1radar: ${f.kind} x${f.repeats} traces=${f.traces} ${f.endpoint} orm=${f.orm}`)'
(cd "$repo" && npx biome format --write packages/detector/corpus/hibernate >/dev/null)
du -sh "$here/../../hibernate"

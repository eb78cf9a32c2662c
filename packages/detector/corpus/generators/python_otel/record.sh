#!/usr/bin/env bash
# Records the Python stacks with the real OpenTelemetry Python SDK and official instrumentations into the corpus:
#   ./record.sh [sqlalchemy] [sqlalchemy-psycopg] [sqlalchemy-asyncpg] [sqlalchemy-stable] [django]   (no argument: all)
# It makes a venv with requirements.txt's exact pins ($N1_PY_WORK/venv, default /tmp/n1-python-corpus), starts a
# throwaway PostgreSQL cluster as the postgres user on port $N1_PG_PORT (default 14450; Debian's postgresql
# binaries) unless one already answers there, and runs each stack's app under `opentelemetry-instrument`,
# exporting to a recording tap on 127.0.0.1:14420 (HTTP) / 14421 (gRPC); apps listen on 14410. With
# N1RADAR_OTLP_HTTP=http://127.0.0.1:4318 and/or N1RADAR_OTLP_GRPC=127.0.0.1:4317 the tap also forwards every
# export to a running n1radar, so its API shows the findings; with N1RADAR_API=http://127.0.0.1:3000 as well,
# live_check.py then compares them with the labels (use a fresh n1radar database). N1_CORPUS_OUT writes the
# recordings elsewhere than the corpus.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
corpus="${N1_CORPUS_OUT:-$(cd "$here/../.." && pwd)}"
work="${N1_PY_WORK:-/tmp/n1-python-corpus}"
port="${N1_PG_PORT:-14450}"
mkdir -p "$work"
[ -x "$work/venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"

pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
started=""
if ! "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  mkdir -p "$work/pg" && chown postgres "$work" "$work/pg"
  [ -f "$work/pg/PG_VERSION" ] || su postgres -c "$pgbin/initdb -D $work/pg -A trust" >/dev/null
  su postgres -c "$pgbin/pg_ctl -D $work/pg -l $work/pg.log -o '-p $port -k $work -c listen_addresses=127.0.0.1' -w start" >/dev/null
  started=1
fi
stop_pg() { [ -z "$started" ] || su postgres -c "$pgbin/pg_ctl -D $work/pg -m fast stop" >/dev/null; }
trap stop_pg EXIT
for db in blog blog_django; do
  "$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname = '$db'" | grep -q 1 ||
    "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
done

export BLOG_PG_URL="postgresql://postgres@127.0.0.1:$port/blog"
export BLOG_DJANGO_PG_URL="postgresql://postgres@127.0.0.1:$port/blog_django"
export PATH="$work/venv/bin:$PATH"
wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(sqlalchemy sqlalchemy-psycopg sqlalchemy-asyncpg sqlalchemy-stable django)
for stack in "${wanted[@]}"; do
  case "$stack" in
    sqlalchemy*) python "$here/sa_record.py" "$corpus" "$stack" ;;
    django) python "$here/django_record.py" "$corpus" ;;
    *) echo "unknown stack: $stack" >&2 && exit 2 ;;
  esac
done
if [ -n "${N1RADAR_API:-}" ]; then
  sleep 3 # the last request spans are judged as they arrive; let the server write them
  python "$here/live_check.py" "$corpus" "$N1RADAR_API" "${wanted[@]}"
fi

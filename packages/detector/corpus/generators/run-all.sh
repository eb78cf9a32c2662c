#!/usr/bin/env bash
# Regenerates the labeled corpus: ./run-all.sh [sqlalchemy|sqlalchemy-psycopg|sqlalchemy-asyncpg|sqlalchemy-stable|django|activerecord|
# sequelize|typeorm|drizzle|mikroorm|prisma|gorm ...] (no argument: all but gorm). SQLAlchemy is recorded with the real
# Python SDK by python_otel/record.sh (a venv from PyPI, a throwaway PostgreSQL), Django too; Ruby comes from Debian:
#   apt-get install -y ruby-activerecord ruby-sqlite3
# The Node generators' pinned packages (node/package.json) are installed into a throwaway directory
# ($N1_CORPUS_NODE_DIR, default a fresh one under /tmp), never into the monorepo. For Prisma, `prisma generate`
# renders the client from node/schema.prisma there (PRISMA_SCHEMA_ENGINE_BINARY=/bin/true: the schema engine
# is a binary that is not downloaded; generate only needs the path to exist and never runs it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
corpus="$(dirname "$here")"
repo="$(cd "$corpus/../../.." && pwd)"
wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(sqlalchemy sqlalchemy-psycopg sqlalchemy-asyncpg sqlalchemy-stable django activerecord sequelize typeorm drizzle mikroorm prisma)

node_dir=""
node_env() {
  if [ -z "$node_dir" ]; then
    node_dir="${N1_CORPUS_NODE_DIR:-$(mktemp -d /tmp/n1-corpus-node.XXXXXX)}"
    cp "$here/node/package.json" "$here/node/"*.cjs "$here/node/schema.prisma" "$node_dir/"
    if [ ! -d "$node_dir/node_modules/sequelize" ] || [ ! -d "$node_dir/node_modules/@mikro-orm/better-sqlite" ] ||
      [ ! -d "$node_dir/node_modules/@prisma/adapter-better-sqlite3" ]; then
      (cd "$node_dir" && npm install --no-audit --no-fund --no-package-lock >/dev/null)
    fi
  fi
}

for orm in "${wanted[@]}"; do
  case "$orm" in
    sqlalchemy* | django) "$here/python_otel/record.sh" "$orm" ;;
    activerecord) ruby "$here/ruby/activerecord_gen.rb" "$corpus" ;;
    sequelize | typeorm | drizzle | mikroorm) node_env && node "$node_dir/${orm}_gen.cjs" "$corpus" ;;
    gorm) "$here/go/record.sh" ;;
    prisma)
      node_env
      (cd "$node_dir" && PRISMA_SCHEMA_ENGINE_BINARY=/bin/true npx prisma generate --schema schema.prisma >/dev/null)
      node "$node_dir/prisma_gen.cjs" "$corpus"
      ;;
    hibernate) "$here/java/run.sh" ;; # the real Java agent: Java 17 + Maven (java/README.md)
    *) echo "unknown ORM: $orm" >&2 && exit 2 ;;
  esac
done
# labels.json files are pretty JSON; let biome settle their layout (the .jsonl traces are not biome's).
(cd "$repo" && npx biome format --write packages/detector/corpus >/dev/null)
du -sh "$corpus"

#!/usr/bin/env bash
# Follows docs/python.md's SQLAlchemy lines literally in a fresh venv and checks that a running n1radar reports the
# example's N+1 with SQLAlchemy's fix. Only the ports change: the guide's 4318 (n1radar's OTLP/HTTP) and 5000
# (the app) become $N1RADAR_OTLP_PORT and $APP_PORT. Needs PyPI and a running n1radar with an empty database:
#   N1RADAR_OTLP_PORT=4318 N1RADAR_API=http://127.0.0.1:3000 APP_PORT=14430 ./guide_check.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
doc="$(cd "$here/../../../../.." && pwd)/docs/python.md"
otlp_port="${N1RADAR_OTLP_PORT:?n1radar OTLP/HTTP port}"
api="${N1RADAR_API:?n1radar API base URL}"
app_port="${APP_PORT:-14430}"
work="$(mktemp -d /tmp/n1-python-guide.XXXXXX)"
cd "$work"
python3 -m venv venv && . venv/bin/activate

block() { # the first ```$2 block after the first line holding $1
  python3 - "$doc" "$1" "$2" <<'PY'
import sys
doc, after, lang = sys.argv[1:]
text = open(doc).read().split(after, 1)[1]
print(text.split(f"```{lang}\n", 1)[1].split("```", 1)[0], end="")
PY
}
block "## 1. Packages" sh >packages.sh
block "## 2. Configuration" sh | sed "s/4318/$otlp_port/" >configure.sh
block 'Save as `app.py`' python >app.py
block "    author: Mapped[Author] = relationship()" sh | sed "s/5000/$app_port/g" >run.sh

source packages.sh >pip.log 2>&1
source configure.sh
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT # the app run.sh starts in the background
source run.sh >app.log 2>&1
sleep 7 # the SDK's batch delay (5 s), then n1radar judges the request
python3 - "$api" <<'PY'
import json, sys, urllib.request
findings = json.load(urllib.request.urlopen(sys.argv[1] + "/api/findings"))["findings"]
mine = [f for f in findings if f["service"] == "blog" and f["endpoint"] == "GET /posts"]
assert len(mine) == 1, f"expected one finding on GET /posts, got {len(mine)}"
f = mine[0]
print(f["kind"], f["repeats"], f["statement"])
print("source:", f["sourceStatement"])
print("guidance:", f["guidance"]["orm"], f["guidance"]["summary"])
assert f["kind"] == "n_plus_one" and f["repeats"] == 20, f
assert "FROM authors WHERE authors.id = ?" in f["statement"], f["statement"]
assert f["guidance"]["orm"] == "sqlalchemy" and "joinedload(Post.author)" in f["guidance"]["after"], f["guidance"]
print("docs/python.md: followed as written, n1radar found the N+1 and answered with joinedload")
PY

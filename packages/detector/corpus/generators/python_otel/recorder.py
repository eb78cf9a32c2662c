"""
The recording loop shared by every stack: start the app under the real SDK, send it real HTTP requests, flush its
exporter after each scenario, keep what the tap received, and label each trace from the spans really recorded.

Traces are matched to requests by order: requests are sent one at a time, so the n-th SERVER span of a scenario
(by start time) is the n-th request. A label's `repeats` is the number of spans of the stack's statement scope
(the ORM-level instrumentation: SQLAlchemy's, or psycopg's for Django) whose statement contains the needle; a
driver-level instrumentation recording the same statements again is not counted twice.
"""

import json
import os
import re
import subprocess
import sys
import time
import urllib.request

from otlp_tap import json_lines

SERVER = 2


def comparable(sql):
    """Lower case, no quotes, placeholders (?, %s, %(name)s, $1, :name) as ?, whitespace collapsed."""
    sql = re.sub(r"%\(\w+\)s|%s|\$\d+|(?<!:):\w+|\?", "?", sql)
    return " ".join(sql.replace('"', "").replace("`", "").lower().split())


def _attr(span, key):
    for a in span.get("attributes", []):
        if a["key"] == key:
            return next(iter(a["value"].values()))
    return None


def statement_of(span):
    return _attr(span, "db.query.text") or _attr(span, "db.statement")


def spans_of(lines):
    """(scope name, span) for every span of the OTLP/JSON lines."""
    out = []
    for line in lines:
        for rs in json.loads(line).get("resourceSpans", []):
            for ss in rs.get("scopeSpans", []):
                out.extend((ss.get("scope", {}).get("name", ""), s) for s in ss.get("spans", []))
    return out


class App:
    """The app as a child process: `argv` run with `env` added, in `cwd`; answers on `port`."""

    def __init__(self, argv, env, cwd, port):
        self.port = port
        self.log = open(os.path.join(cwd, "app.log"), "w")
        self.proc = subprocess.Popen(argv, env={**os.environ, **env}, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while True:
            try:
                self.get("/_flush")
                return
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"app did not start: see {self.log.name}")
                time.sleep(0.3)

    def get(self, path, method="GET"):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.read()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)
        self.log.close()


def one(needle, kind="n_plus_one", source=None, parallel=False):
    return [("one", needle, kind, source, parallel)]


def nested(inner, middle, outer):
    # one finding for the whole 1+N+N² (the fix is one change): the inner loop, whose chain holds the outer levels
    return [("nested", inner, middle, outer)]


NONE = []


class Recording:
    """One stack's corpus directory: scenario files and labels.json."""

    def __init__(self, out_dir, orm, meta, tap, app, count_scope, before_request=None):
        self.dir = out_dir
        self.orm, self.meta, self.tap, self.app, self.count_scope = orm, meta, tap, app, count_scope
        self.before_request = before_request or {}
        self.labels = []
        os.makedirs(out_dir, exist_ok=True)
        for name in os.listdir(out_dir):
            if name.endswith(".jsonl"):
                os.remove(os.path.join(out_dir, name))

    def scenario(self, name, runs, expect):
        """`runs`: (description, method, path); `expect`: one(...), nested(...) or NONE, applied to every run."""
        self.tap.take()
        for description, method, path in runs:
            hook = self.before_request.get(name)
            if hook:
                hook(lambda: self.app.get(path, method))
            else:
                self.app.get(path, method)
        self.app.get("/_flush")
        lines = json_lines(self.tap.take())
        spans = spans_of(lines)
        roots = sorted((s for _, s in spans if s.get("kind") == SERVER and not s.get("parentSpanId")), key=lambda s: int(s["startTimeUnixNano"]))
        if len(roots) != len(runs):
            sys.exit(f"{self.orm}/{name}: {len(runs)} requests but {len(roots)} request spans")
        file = f"{name}.jsonl"
        with open(os.path.join(self.dir, file), "w") as f:
            f.write("\n".join(lines) + "\n")
        for (description, _, _), root in zip(runs, roots):
            tid = root["traceId"]
            statements = [statement_of(s) for scope, s in spans if s["traceId"] == tid and scope == self.count_scope and statement_of(s)]
            expected = [self._expected(name, description, statements, e) for e in expect]
            self.labels.append({"file": file, "scenario": name, "traceId": tid, "description": description, "expected": expected})
        # Traces no request made: spans the app ends after the request span, with no parent (Django checks a
        # connection that saw an error with `SELECT 1` when the request has finished). Real traffic; not N+1s.
        requested = {root["traceId"] for root in roots}
        for tid in dict.fromkeys(s["traceId"] for _, s in spans if s["traceId"] not in requested):
            top = next(s for _, s in spans if s["traceId"] == tid and not s.get("parentSpanId"))
            what = f"a trace of its own, outside any request: {top['name']} ({statement_of(top) or 'no statement'})"
            self.labels.append({"file": file, "scenario": name, "traceId": tid, "description": what, "expected": []})

    @staticmethod
    def _expected(name, description, statements, e):
        def repeats(needle):
            n = sum(1 for s in statements if comparable(needle) in comparable(s))
            if n < 5:
                sys.exit(f"{name}: {description}: only {n} x {needle}")
            return n

        if e[0] == "nested":
            _, inner, middle, outer = e
            return {"statementContains": inner, "kind": "n_plus_one", "repeats": repeats(inner), "sourceContains": middle, "chainContains": [outer, middle]}
        _, needle, kind, source, parallel = e
        out = {"statementContains": needle, "kind": kind, "repeats": repeats(needle)}
        if source:
            out["sourceContains"] = source
        if parallel:
            out["parallel"] = True
        return out

    def finish(self):
        with open(os.path.join(self.dir, "labels.json"), "w") as f:
            json.dump({"orm": self.orm, **self.meta, "traces": self.labels}, f, indent=2)
            f.write("\n")
        n_pos = sum(1 for t in self.labels if t["expected"])
        print(f"{self.orm}: {len(self.labels)} traces ({n_pos} with expected findings) -> {self.dir}")

"""
What the Django corpus generator (django_gen.py) shares, apart from the SDK stand-in in
otlp_emit.py: the blog's seed rows, the recording of statements during a request, the request's SERVER span,
the scenario runner that labels each trace from the statements really recorded in it, and the retried read under
an exclusive lock. What stays in each generator is what its ORM and instrumentation make different: models,
where the statements are hooked, span names and HTTP attributes, the views and the scenario table.
"""

import os
import random
import sqlite3
import sys
import time

from otlp_emit import SERVER, expect


def out_dir():
    """The corpus directory: the first command-line argument, else packages/detector/corpus."""
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    return os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else default)


def blog_rows(seed):
    """The blog's rows as field dicts: 120 authors, 10 tags, 150 posts (authors in turn), 2-5 comments a post by
    authors drawn from random.Random(seed)."""
    rng = random.Random(seed)
    authors = [{"id": i, "name": f"Author {i}", "email": f"a{i}@example.org"} for i in range(1, 121)]
    tags = [{"id": i, "name": f"tag{i}"} for i in range(1, 11)]
    posts = [{"id": i, "author_id": ((i - 1) % 120) + 1, "title": f"Post {i}", "body": "..."} for i in range(1, 151)]
    comments = [
        {"post_id": i, "author_id": rng.randint(1, 120), "body": "Nice post"} for i in range(1, 151) for _ in range(2 + (i % 4))
    ]
    return authors, tags, posts, comments


def norm(sql):
    return " ".join(sql.lower().split())


class Recorder:
    """Whether a request is being recorded, and the (trace id, statement) of every statement traced in one."""

    def __init__(self, tracer):
        self.tracer = tracer
        self.active = False
        self.captured = []

    def capture(self, span, statement):
        self.captured.append((span.trace_id, statement))

    def repeats_of(self, trace_id, contains):
        needle = norm(contains)
        return sum(1 for t, s in self.captured if t == trace_id and needle in norm(s))

    def request(self, name, scope, attrs, handle):
        """Runs handle() inside a SERVER span, recording meanwhile; returns the trace id."""
        self.active = True
        root = self.tracer.start(name, SERVER, scope, attrs)
        try:
            handle()
            root.attrs["http.status_code"] = 200
        finally:
            self.tracer.end(root)
            self.active = False
        return root.trace_id


class Scenarios:
    """Runs a scenario's requests and writes its .jsonl with one label a trace.

    `request(method, route, target, fn, *args)` runs one view and returns its trace id; `posts_route` and
    `posts_path` are the route and path of the post list, for `posts`."""

    def __init__(self, corpus, recorder, request, posts_route, posts_path):
        self.corpus = corpus
        self.recorder = recorder
        self.request = request
        self.posts_route = posts_route
        self.posts_path = posts_path

    def scenario(self, name, runs, expected_of):
        """`runs`: (description, method, route, target, fn, args) a request; `expected_of(trace_id, *args)`: its
        expected findings, each of which must repeat 5 times or more."""
        traces = []
        for description, method, route, target, fn, args in runs:
            tid = self.request(method, route, target, fn, *args)
            expected = expected_of(tid, *args)
            for e in expected:
                assert e["repeats"] >= 5, f"{name}: {description}: only {e['repeats']} x {e['statementContains']}"
            traces.append((tid, description, expected))
        self.corpus.write(self.recorder.tracer, name, traces)

    def posts(self, fn, ns, what="posts"):
        """One GET of the post list a row count in `ns`: fn(n)."""
        return [(f"{what}, {n} rows", "GET", self.posts_route, f"{self.posts_path}?limit={n}", fn, (n,)) for n in ns]

    def one(self, contains, kind="n_plus_one", source=None):
        """Expects one finding of the statement, repeated as often as the trace ran it."""
        return lambda tid, *a: [expect(contains, kind, self.recorder.repeats_of(tid, contains), source)]

    def nested(self, inner, middle, outer):
        # one finding for the whole 1+N+N² (the fix is one change): the inner loop, author per comment, whose
        # chain holds the outer levels (Finding.chain); the comments-per-post loop is not a finding of its own
        return lambda tid, n: [expect(inner, "n_plus_one", self.recorder.repeats_of(tid, inner), middle, chain=[outer, middle])]

    @staticmethod
    def none(tid, *a):
        return []


def read_while_locked(db_path, failures, read, error, after_error=None):
    """Another connection holds BEGIN EXCLUSIVE on the database; read() is retried with backoff on `error` and
    the lock is released before the last attempt, so the read fails `failures` times, then succeeds."""
    locker = sqlite3.connect(db_path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    for attempt in range(failures + 1):
        if attempt == failures:
            locker.execute("COMMIT")
        try:
            read()
            break
        except error:
            if after_error:
                after_error()
            time.sleep(0.001 * (2**attempt))
    locker.close()

"""
A tiny stand-in for the OpenTelemetry Python SDK, for the corpus generators only.

The Python OpenTelemetry SDK and its instrumentations are not installable here, so the generators record the
real SQL the ORM sends (from the ORM's own hooks) and build the spans themselves, shaped the way the named
instrumentation builds them: same scope name, span name, kind, attributes and parent/child structure. This
module holds the parts that are the SDK's job: ids, a current-span stack, timestamps, and the OTLP/JSON
encoding of ExportTraceServiceRequest, exported in batches the way BatchSpanProcessor does (spans in the order
they end, so a request's root span arrives last).
"""

import json
import os
import random
import time
from contextlib import contextmanager

SERVER, CLIENT, INTERNAL = 2, 3, 1
STATUS_ERROR = 2


def _attr_value(v):
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    return {"stringValue": str(v)}


class Span:
    __slots__ = ("trace_id", "span_id", "parent_id", "name", "kind", "scope", "attrs", "start", "end", "status")

    def __init__(self, trace_id, span_id, parent_id, name, kind, scope, attrs):
        self.trace_id = trace_id
        self.span_id = span_id
        self.parent_id = parent_id
        self.name = name
        self.kind = kind
        self.scope = scope
        self.attrs = dict(attrs)
        self.start = time.time_ns()
        self.end = None
        self.status = None

    def set_error(self, message):
        self.status = {"code": STATUS_ERROR, "message": message}

    def to_json(self):
        out = {
            "traceId": self.trace_id,
            "spanId": self.span_id,
            "name": self.name,
            "kind": self.kind,
            "startTimeUnixNano": str(self.start),
            "endTimeUnixNano": str(self.end),
            "attributes": [{"key": k, "value": _attr_value(v)} for k, v in self.attrs.items() if v is not None],
            **({"status": self.status} if self.status else {}),
        }
        if self.parent_id:
            out["parentSpanId"] = self.parent_id
        return out


class Tracer:
    """One service's spans. `scopes` maps a short key to (scope name, scope version)."""

    def __init__(self, resource, scopes, seed):
        self.resource = resource
        self.scopes = scopes
        self.rng = random.Random(seed)
        self.stack = []
        self.finished = []

    def _hex(self, nbytes):
        return "%0*x" % (nbytes * 2, self.rng.getrandbits(nbytes * 8))

    def current(self):
        return self.stack[-1] if self.stack else None

    def start(self, name, kind, scope, attrs=None, activate=True):
        parent = self.current()
        trace_id = parent.trace_id if parent else self._hex(16)
        span = Span(trace_id, self._hex(8), parent.span_id if parent else None, name, kind, scope, attrs or {})
        if activate:
            self.stack.append(span)
        return span

    def end(self, span):
        span.end = time.time_ns()
        if self.stack and self.stack[-1] is span:
            self.stack.pop()
        self.finished.append(span)

    @contextmanager
    def span(self, name, kind, scope, attrs=None):
        s = self.start(name, kind, scope, attrs)
        try:
            yield s
        except Exception as e:  # recorded like start_as_current_span does, then re-raised
            s.set_error(f"{type(e).__name__}: {e}")
            raise
        finally:
            self.end(s)

    def export_requests(self, spans, batch_size):
        """ExportTraceServiceRequest dicts, one per batch of `batch_size` spans, in end order."""
        requests = []
        for i in range(0, len(spans), batch_size):
            by_scope = {}
            for s in spans[i : i + batch_size]:
                by_scope.setdefault(s.scope, []).append(s.to_json())
            scope_spans = []
            for key, items in by_scope.items():
                name, version = self.scopes[key]
                scope_spans.append({"scope": {"name": name, "version": version}, "spans": items})
            resource = {"attributes": [{"key": k, "value": _attr_value(v)} for k, v in self.resource.items()]}
            requests.append({"resourceSpans": [{"resource": resource, "scopeSpans": scope_spans}]})
        return requests


class Corpus:
    """Collects one ORM's scenario files and labels, and writes them under corpus/<orm>/."""

    def __init__(self, orm, out_dir, meta):
        self.orm = orm
        self.dir = os.path.join(out_dir, orm)
        self.meta = meta
        self.labels = []
        os.makedirs(self.dir, exist_ok=True)
        for name in os.listdir(self.dir):
            if name.endswith(".jsonl"):
                os.remove(os.path.join(self.dir, name))

    def write(self, tracer, scenario, traces, batch_size=48):
        """`traces`: list of (trace_id, description, expected) for the spans the tracer finished."""
        spans = tracer.finished
        tracer.finished = []
        lines = [json.dumps(r, separators=(",", ":")) for r in tracer.export_requests(spans, batch_size)]
        file = f"{scenario}.jsonl"
        with open(os.path.join(self.dir, file), "w") as f:
            f.write("\n".join(lines) + "\n")
        for trace_id, description, expected in traces:
            self.labels.append(
                {"file": file, "scenario": scenario, "traceId": trace_id, "description": description, "expected": expected}
            )

    def finish(self):
        doc = {"orm": self.orm, **self.meta, "traces": self.labels}
        with open(os.path.join(self.dir, "labels.json"), "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        n_pos = sum(1 for t in self.labels if t["expected"])
        print(f"{self.orm}: {len(self.labels)} traces ({n_pos} with expected findings) -> {self.dir}")


def expect(contains, kind="n_plus_one", repeats=None, source=None, parallel=False, chain=None):
    e = {"statementContains": contains, "kind": kind}
    if repeats is not None:
        e["repeats"] = repeats
    if source is not None:
        e["sourceContains"] = source
    if parallel:
        e["parallel"] = True
    if chain:
        e["chainContains"] = chain
    return e

"""
A recording OTLP proxy: receives what a real OpenTelemetry SDK exports (OTLP/HTTP protobuf or JSON on one port,
OTLP/gRPC on another), keeps every trace export request exactly as it arrived, and forwards it unchanged to a
running n1radar (when one is named), answering the SDK with n1radar's own reply. The corpus stores OTLP/JSON, so
`json_lines()` turns what was kept into one ExportTraceServiceRequest per line: a JSON body as sent (minified),
a protobuf body (HTTP or gRPC) through the OTLP proto's JSON mapping with the ids as hex, as OTLP/JSON has them.
"""

import base64
import gzip
import json
import threading
import urllib.error
import urllib.request
import zlib
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

GRPC_EXPORT = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"


class Tap:
    """`upstream_http`: n1radar's OTLP/HTTP base URL (http://127.0.0.1:4318) or None; `upstream_grpc`: host:port."""

    def __init__(self, http_port, grpc_port, upstream_http=None, upstream_grpc=None):
        self.lock = threading.Lock()
        self.captured = []  # (transport, content type, raw body)
        self.upstream_http = upstream_http
        self._http = ThreadingHTTPServer(("127.0.0.1", http_port), self._http_handler())
        self._grpc = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        self._grpc.add_generic_rpc_handlers([_GrpcHandler(self, upstream_grpc)])
        self._grpc.add_insecure_port(f"127.0.0.1:{grpc_port}")

    def start(self):
        threading.Thread(target=self._http.serve_forever, daemon=True).start()
        self._grpc.start()
        return self

    def stop(self):
        self._http.shutdown()
        self._http.server_close()  # free the port for the next stack recorded in this process
        self._grpc.stop(0).wait()

    def keep(self, transport, content_type, body):
        with self.lock:
            self.captured.append((transport, content_type, body))

    def take(self):
        """What arrived since the last take, in arrival order."""
        with self.lock:
            out, self.captured = self.captured, []
        return out

    def _http_handler(tap):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                encoding = self.headers.get("content-encoding", "")
                ctype = self.headers.get("content-type", "")
                raw = gzip.decompress(body) if encoding == "gzip" else zlib.decompress(body) if encoding == "deflate" else body
                if self.path == "/v1/traces":
                    tap.keep("http", ctype, raw)
                status, reply, reply_type = 200, b"", ctype
                if tap.upstream_http:
                    headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "content-encoding", "authorization")}
                    req = urllib.request.Request(tap.upstream_http + self.path, data=body, headers=headers, method="POST")
                    try:
                        with urllib.request.urlopen(req, timeout=10) as r:
                            status, reply, reply_type = r.status, r.read(), r.headers.get("content-type", ctype)
                    except urllib.error.HTTPError as e:
                        status, reply, reply_type = e.code, e.read(), e.headers.get("content-type", ctype)
                self.send_response(status)
                self.send_header("content-type", reply_type)
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        return Handler


class _GrpcHandler(grpc.GenericRpcHandler):
    """Takes TraceService/Export as raw bytes (no deserializer), so what is kept is what the SDK sent."""

    def __init__(self, tap, upstream):
        self.tap = tap
        self.forward = None
        if upstream:
            channel = grpc.insecure_channel(upstream)
            self.forward = channel.unary_unary(GRPC_EXPORT, request_serializer=None, response_deserializer=None)

    def service(self, details):
        if details.method != GRPC_EXPORT:
            return None
        return grpc.unary_unary_rpc_method_handler(self._export, request_deserializer=None, response_serializer=None)

    def _export(self, request, context):
        self.tap.keep("grpc", "application/grpc", request)
        if self.forward is None:
            return b""
        try:
            return self.forward(request, timeout=10)
        except grpc.RpcError as e:
            context.abort(e.code(), e.details())


def _hex_ids(node):
    """The proto3 JSON mapping writes bytes as base64; OTLP/JSON writes trace and span ids as hex."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("traceId", "spanId", "parentSpanId") and isinstance(value, str):
                node[key] = base64.b64decode(value).hex()
            else:
                _hex_ids(value)
    elif isinstance(node, list):
        for item in node:
            _hex_ids(item)
    return node


def json_line(transport, content_type, body):
    """One captured export as one line of OTLP/JSON."""
    if "json" in content_type:
        return json.dumps(json.loads(body), separators=(",", ":"))
    request = ExportTraceServiceRequest.FromString(body)
    doc = MessageToDict(request, use_integers_for_enums=True, preserving_proto_field_name=False)
    return json.dumps(_hex_ids(doc), separators=(",", ":"))


def json_lines(captured):
    return [json_line(*c) for c in captured]

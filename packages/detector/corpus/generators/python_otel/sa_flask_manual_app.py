"""
The blog as a Flask app on PostgreSQL (psycopg 3) with the SDK set up by hand instead of `opentelemetry-instrument`:
a TracerProvider with a BatchSpanProcessor and the OTLP/HTTP protobuf exporter, FlaskInstrumentor on the app, and
SQLAlchemyInstrumentor on the engine with sqlcommenter on, its comment copied into the span's statement
(enable_attribute_commenter), and no driver instrumentation. Run with OTEL_SEMCONV_STABILITY_OPT_IN=database,http
(the stable conventions: db.query.text, db.system.name, http.request.method, url.path). Every handler in
sa_views.VIEWS is served at /<name with dashes>.
"""

import os

from flask import Flask, jsonify, request
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from query_args import parse

provider = TracerProvider(resource=Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", "blog")}))
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))  # reads OTEL_EXPORTER_OTLP_ENDPOINT
trace.set_tracer_provider(provider)

from sa_views import VIEWS  # noqa: E402  (its tracer comes from the provider set above)

engine = create_engine(os.environ["BLOG_DB_URL"], connect_args={"options": "-c lock_timeout=50"})
SQLAlchemyInstrumentor().instrument(engine=engine, enable_commenter=True, enable_attribute_commenter=True)
app = Flask(__name__)
FlaskInstrumentor().instrument_app(app, excluded_urls="_flush")


def _serve(fn):
    def view():
        with Session(engine) as session:
            return jsonify(fn(session, **parse(request.args)))

    return view


for name, fn in VIEWS.items():
    app.add_url_rule("/" + name.replace("_", "-"), name, _serve(fn), methods=["GET", "POST"])


@app.route("/_flush")
def flush():
    # excluded from tracing: the recorder calls it after each scenario
    return {"flushed": provider.force_flush()}

"""
The blog as a Flask app on a sync SQLAlchemy engine (BLOG_DB_URL: sqlite:///blog.db here). Started by the recorder
under `opentelemetry-instrument flask --app sa_flask_app run`, so Flask and SQLAlchemy are traced by their official
instrumentations, as a user would run it. Every handler in sa_views.VIEWS is served at /<name with dashes>.
"""

import os

from flask import Flask, jsonify, request
from opentelemetry import trace
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from query_args import parse
from sa_views import VIEWS

# timeout=0: a locked SQLite database fails at once (the retry scenario), as a busy production one would after its wait
engine = create_engine(os.environ["BLOG_DB_URL"], connect_args={"timeout": 0} if os.environ["BLOG_DB_URL"].startswith("sqlite") else {})
app = Flask(__name__)


def _serve(fn):
    def view():
        with Session(engine) as session:
            return jsonify(fn(session, **parse(request.args)))

    return view


for name, fn in VIEWS.items():
    app.add_url_rule("/" + name.replace("_", "-"), name, _serve(fn), methods=["GET", "POST"])


@app.route("/_flush")
def flush():
    # excluded from tracing (OTEL_PYTHON_EXCLUDED_URLS): the recorder calls it after each scenario
    return {"flushed": trace.get_tracer_provider().force_flush()}

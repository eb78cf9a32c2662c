"""
The blog as a FastAPI app on a sync SQLAlchemy engine (BLOG_DB_URL: postgresql+psycopg://...): plain `def`
endpoints, which FastAPI runs in its thread pool, each with its own Session. Started by the recorder under
`opentelemetry-instrument uvicorn sa_fastapi_app:app`. Every handler in sa_views.VIEWS is served at /<name with dashes>.
"""

import os

from fastapi import FastAPI, Request
from opentelemetry import trace
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from query_args import parse
from sa_views import VIEWS

# lock_timeout: a read of a locked table fails after 50 ms (the retry scenario) instead of waiting
engine = create_engine(os.environ["BLOG_DB_URL"], connect_args={"options": "-c lock_timeout=50"})
app = FastAPI()


def _serve(fn):
    def endpoint(request: Request):
        with Session(engine) as session:
            return fn(session, **parse(request.query_params))

    return endpoint


for name, fn in VIEWS.items():
    app.add_api_route("/" + name.replace("_", "-"), _serve(fn), methods=["GET", "POST"], name=name)


@app.get("/_flush")
def flush():
    # excluded from tracing (OTEL_PYTHON_EXCLUDED_URLS): the recorder calls it after each scenario
    return {"flushed": trace.get_tracer_provider().force_flush()}

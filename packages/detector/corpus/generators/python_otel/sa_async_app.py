"""
The blog as a FastAPI app on SQLAlchemy's asyncio ORM (BLOG_DB_URL: postgresql+asyncpg://...): `async def`
endpoints, each with its own AsyncSession. Started by the recorder under `opentelemetry-instrument uvicorn
sa_async_app:app`. Every handler in sa_async_views.VIEWS is served at /<name with dashes>.
"""

import os

from fastapi import FastAPI, Request
from opentelemetry import trace
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

import sa_async_views
from query_args import parse

# lock_timeout: a read of a locked table fails after 50 ms (the retry scenario) instead of waiting
engine = create_async_engine(os.environ["BLOG_DB_URL"], connect_args={"server_settings": {"lock_timeout": "50"}})
sa_async_views.sessions = async_sessionmaker(engine, expire_on_commit=False)
app = FastAPI()


def _serve(fn):
    async def endpoint(request: Request):
        async with sa_async_views.sessions() as session:
            return await fn(session, **parse(request.query_params))

    return endpoint


for name, fn in sa_async_views.VIEWS.items():
    app.add_api_route("/" + name.replace("_", "-"), _serve(fn), methods=["GET", "POST"], name=name)


@app.get("/_flush")
def flush():
    # excluded from tracing (OTEL_PYTHON_EXCLUDED_URLS): the recorder calls it after each scenario
    return {"flushed": trace.get_tracer_provider().force_flush()}

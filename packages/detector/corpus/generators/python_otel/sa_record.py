"""
Records the SQLAlchemy 2.x stacks with the real OpenTelemetry Python SDK into the corpus:

  sqlalchemy          Flask + sync Session on SQLite (pysqlite)       exporter: OTLP/HTTP JSON (otlp_json_http)
  sqlalchemy-psycopg  FastAPI + sync Session on PostgreSQL, psycopg 3  exporter: OTLP/gRPC (the distro's default)
  sqlalchemy-asyncpg  FastAPI + AsyncSession on PostgreSQL, asyncpg    exporter: OTLP/HTTP protobuf
  sqlalchemy-stable   Flask + sync Session on PostgreSQL, psycopg 3    SDK set up in code, stable conventions
                      (OTEL_SEMCONV_STABILITY_OPT_IN=database,http), sqlcommenter on, no driver instrumentation

Each app but the last runs under `opentelemetry-instrument` with the instrumentations `opentelemetry-bootstrap` picks,
exporting to the tap (otlp_tap.py), which keeps each export and forwards it to n1radar (N1RADAR_OTLP_HTTP /
N1RADAR_OTLP_GRPC, when set). Run by record.sh, which makes the venv and the PostgreSQL cluster:
  python sa_record.py <corpus dir> <stack>...
"""

import os
import sqlite3
import sys
import tempfile
import threading

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from otlp_tap import Tap  # noqa: E402
from recorder import NONE, App, Recording, nested, one  # noqa: E402
from versions import versions  # noqa: E402

PG_URL = os.environ.get("BLOG_PG_URL", "postgresql://postgres@127.0.0.1:14450/blog")
TAP_HTTP, TAP_GRPC, APP_PORT = 14420, 14421, 14410

STACKS = {
    "sqlalchemy": {
        "stack": "Flask 3 + SQLAlchemy 2.0 ORM (select() API, sync Session) on SQLite (pysqlite)",
        "db": "sqlite:///blog.db",
        "argv": ["flask", "--app", "sa_flask_app", "run", "--port", str(APP_PORT)],
        "exporter": {"OTEL_TRACES_EXPORTER": "otlp_json_http", "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{TAP_HTTP}"},
        "protocol": "OTLP/HTTP JSON (opentelemetry-exporter-otlp-json-http), recorded as sent",
        "packages": ["flask", "sqlalchemy"],
    },
    "sqlalchemy-psycopg": {
        "stack": "FastAPI + SQLAlchemy 2.0 ORM (select() API, sync Session in def endpoints) on PostgreSQL 15 (psycopg 3)",
        "db": PG_URL.replace("postgresql://", "postgresql+psycopg://"),
        "argv": ["uvicorn", "sa_fastapi_app:app", "--port", str(APP_PORT), "--no-access-log"],
        "exporter": {"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{TAP_GRPC}"},
        "protocol": "OTLP/gRPC (opentelemetry-exporter-otlp-proto-grpc), protobuf turned into OTLP/JSON by the tap",
        "packages": ["fastapi", "sqlalchemy", "psycopg"],
    },
    "sqlalchemy-asyncpg": {
        "stack": "FastAPI + SQLAlchemy 2.0 asyncio ORM (AsyncSession, select() API) on PostgreSQL 15 (asyncpg)",
        "db": PG_URL.replace("postgresql://", "postgresql+asyncpg://"),
        "argv": ["uvicorn", "sa_async_app:app", "--port", str(APP_PORT), "--no-access-log"],
        "exporter": {"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{TAP_HTTP}"},
        "protocol": "OTLP/HTTP protobuf (opentelemetry-exporter-otlp-proto-http), turned into OTLP/JSON by the tap",
        "packages": ["fastapi", "sqlalchemy", "asyncpg"],
    },
    "sqlalchemy-stable": {
        "stack": "Flask 3 + SQLAlchemy 2.0 ORM (sync Session) on PostgreSQL 15 (psycopg 3), SDK set up by hand, sqlcommenter on",
        "db": PG_URL.replace("postgresql://", "postgresql+psycopg://"),
        "argv": ["flask", "--app", "sa_flask_manual_app", "run", "--port", str(APP_PORT)],
        "instrument": False,
        "exporter": {"OTEL_SEMCONV_STABILITY_OPT_IN": "database,http", "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{TAP_HTTP}"},
        "protocol": "OTLP/HTTP protobuf (opentelemetry-exporter-otlp-proto-http, set up in code), turned into OTLP/JSON by the tap",
        "packages": ["flask", "sqlalchemy", "psycopg"],
    },
}


def needles(cast):
    """Statements as the lazy loaders and handlers write them (placeholders compared as ?, recorder.comparable);
    the PostgreSQL dialects cast each bound integer (`%(pk_1)s::INTEGER`, `$1::INTEGER`), SQLite does not."""
    return {
        "AUTHOR": f"FROM authors WHERE authors.id = ?{cast}",
        "COMMENTS": f"FROM comments WHERE ?{cast} = comments.post_id",
        "TAGS": f"FROM tags, post_tags WHERE ?{cast} = post_tags.post_id",
        "POST_BY_ID": f"FROM posts WHERE posts.id = ?{cast}",
        "POST_TITLE": f"SELECT posts.title FROM posts WHERE posts.id = ?{cast}",
        # the model's lazy="selectin" loads each got post's tags by a query of its own: a second N+1 in p_ids_no_source
        "TAGS_BY_POST": "JOIN tags ON tags.id = post_tags_1.tag_id WHERE posts_1.id IN (",
    }


POSTS = "FROM posts"


def lock_holder(db_url, hold_s, table="posts"):
    """Before the retry request: another connection locks `table` for hold_s seconds while the app retries."""

    def around(send):
        if db_url.startswith("sqlite"):
            conn = sqlite3.connect(db_url.split("///")[1], isolation_level=None, check_same_thread=False)
            conn.execute("BEGIN EXCLUSIVE")
        else:
            import psycopg

            conn = psycopg.connect(db_url.replace("+psycopg", "").replace("+asyncpg", ""))
            conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        release = threading.Timer(hold_s, conn.rollback if not db_url.startswith("sqlite") else lambda: conn.execute("COMMIT"))
        release.start()
        send()
        release.join()
        conn.close()

    return around


def scenarios(rec, asyncio, cast):
    n = needles(cast)
    AUTHOR, COMMENTS, TAGS = n["AUTHOR"], n["COMMENTS"], n["TAGS"]
    def posts(route, ns, what="posts"):
        return [(f"{what}, {n} rows", "GET", f"/{route}?n={n}") for n in ns]

    def ids(route, lists, what):
        return [(f"{len(i)} {what}", "GET", f"/{route}?ids={','.join(map(str, i))}") for i in lists]

    s = rec.scenario
    s("p_many_to_one", posts("posts-authors", [5, 12, 30]), one(AUTHOR, source=POSTS))
    s("p_one_to_many", posts("posts-comments", [6, 10, 16]), one(COMMENTS, source=POSTS))
    s("p_nested", posts("thread", [3, 5, 7], "thread view"), nested(AUTHOR, COMMENTS, POSTS))
    if not asyncio:  # under asyncio an implicit lazy load raises MissingGreenlet: no serializer can walk one
        s("p_serializer", posts("posts-pydantic", [5, 14], "Pydantic PostOut(author: AuthorOut), from_attributes"), one(AUTHOR, source=POSTS))
    s("p_lazyload_override", posts("posts-tags-lazyload", [6, 15], "posts, lazyload(Post.tags) over the model's selectin"), one(TAGS, source=POSTS))
    s("p_ids_no_source", ids("posts-by-ids", [[9, 4, 17, 2, 30], list(range(100, 111))], "ids from the query string, session.get each"), one(n["POST_BY_ID"]) + one(n["TAGS_BY_POST"]))
    if not asyncio:
        s("p_connect_per_item", ids("post-cards-own-connection", [[3, 8, 13, 21, 34], list(range(40, 49))], "post cards, engine.connect() each"), one(n["POST_TITLE"]))
        s("p_wrapped_per_item", posts("post-cards-traced", [5, 9], "post cards, each in a render_post_card span"), one(AUTHOR, source=POSTS) + one(COMMENTS, source=POSTS))
    s("p_count_per_row", posts("comment-counts", [5, 9, 15]), one("count(comments.id)", source=POSTS))
    s("p_insert_per_row", [(f"tag {n} posts, INSERT and commit each", "POST", f"/tag-posts?ids={','.join(map(str, range(1, n + 1)))}&tag=11") for n in (5, 16)], one("INSERT INTO post_tags", "repeated_write"))
    s("p_update_per_row", [(f"bump {n} view counts, flush per row", "POST", f"/bump-views?n={n}") for n in (5, 16)], one("UPDATE posts SET view_count", "repeated_write"))
    if asyncio:
        s("p_parallel", posts("posts-authors-gather", [6, 12], "asyncio.gather of one session per post"), one(AUTHOR, source=POSTS, parallel=True))
        s("f_parallel", posts("posts-authors-gather-in", [6, 12], "authors by one IN query"), NONE)
    s("f_many_to_one", posts("posts-authors-joinedload", [5, 30], "posts joinedload(Post.author)"), NONE)
    s("f_one_to_many", posts("posts-comments-selectinload", [6, 16], "posts selectinload(Post.comments)"), NONE)
    s("f_one_to_many_subquery", posts("posts-comments-subqueryload", [6, 16], "posts subqueryload(Post.comments)"), NONE)
    s("f_nested", posts("thread-chained", [3, 7], "selectinload(Post.comments).selectinload(Comment.author)"), NONE)
    s("f_model_selectin", posts("posts-tags", [6, 15], "posts, tags by the model's lazy='selectin'"), NONE)
    if not asyncio:
        s("f_serializer", posts("posts-pydantic-joinedload", [5, 14], "Pydantic serializer over joinedload(Post.author)"), NONE)
    s("f_ids_no_source", ids("posts-by-ids-in", [[9, 4, 17, 2, 30], list(range(100, 111))], "ids, one IN query"), NONE)
    s("f_count_per_row", posts("comment-counts-grouped", [5, 15], "counts by one grouped subquery"), NONE)
    s("f_insert_per_row", [(f"tag {n} posts, one executemany", "POST", f"/tag-posts-bulk?ids={','.join(map(str, range(1, n + 1)))}&tag=11") for n in (5, 40)], NONE)
    s("f_update_per_row", [(f"bump {n} view counts, one UPDATE", "POST", f"/bump-views-bulk?n={n}") for n in (5, 16)], NONE)
    s("n_under_threshold", posts("posts-authors", [3, 4], "posts, few rows"), NONE)
    s("n_pagination", [("export, 6 pages by OFFSET", "GET", "/export-offset?pages=6"), ("export, 6 pages by keyset", "GET", "/export-keyset?pages=6")], NONE)
    s("n_lookup_by_id", [(f"post {i} with its author and comments", "GET", f"/post-detail?id={i}") for i in (3, 42)], NONE)
    s("n_retry", [("read retried while posts is locked", "GET", "/read-retried")] * 2, NONE)
    s("n_cached", [(f"{n} posts, author names cached in the request", "GET", f"/authors-cached?n={n}") for n in (12, 25)], NONE)
    s("n_stream", [("stream 100 post titles with yield_per(10)", "GET", "/stream-posts?n=100")], NONE)
    s("n_many_distinct", [("dashboard, many distinct queries", "GET", "/dashboard")] * 2, NONE)


def record(out, name):
    conf = STACKS[name]
    work = tempfile.mkdtemp(prefix=f"n1-{name}-")
    db = conf["db"]
    import sa_models

    if db.startswith("sqlite"):
        db = "sqlite:///" + os.path.join(work, "blog.db")
    sa_models.seed(db.replace("+asyncpg", "+psycopg"))  # seeded without tracing, before the app starts
    tap = Tap(TAP_HTTP, TAP_GRPC, os.environ.get("N1RADAR_OTLP_HTTP"), os.environ.get("N1RADAR_OTLP_GRPC")).start()
    env = {
        "PYTHONPATH": HERE,
        "PYTHONDONTWRITEBYTECODE": "1",
        "BLOG_DB_URL": db,
        "OTEL_SERVICE_NAME": f"blog-{name}",
        "OTEL_METRICS_EXPORTER": "none",
        "OTEL_LOGS_EXPORTER": "none",
        "OTEL_PYTHON_EXCLUDED_URLS": "_flush",
        **conf["exporter"],
    }
    app = App(conf["argv"] if conf.get("instrument") is False else ["opentelemetry-instrument", *conf["argv"]], env, work, APP_PORT)
    try:
        meta = {"stack": conf["stack"], "export": conf["protocol"], "versions": versions(conf["packages"])}
        rec = Recording(os.path.join(out, name), "sqlalchemy", meta, tap, app, "opentelemetry.instrumentation.sqlalchemy", {"n_retry": lock_holder(db, 0.6)})
        scenarios(rec, asyncio="asyncpg" in name, cast="" if db.startswith("sqlite") else "::INTEGER")
        rec.finish()
    finally:
        app.stop()
        tap.stop()


if __name__ == "__main__":
    corpus = os.path.abspath(sys.argv[1])
    for stack in sys.argv[2:] or list(STACKS):
        record(corpus, stack)

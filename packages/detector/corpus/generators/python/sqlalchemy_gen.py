"""
SQLAlchemy corpus generator: a Flask-style blog app on SQLite, traced the way
opentelemetry-instrumentation-flask + opentelemetry-instrumentation-sqlalchemy trace it.

The SQL is real: every statement comes from SQLAlchemy's `before_cursor_execute` / `after_cursor_execute` /
`handle_error` engine events (the same events the instrumentation listens to), with the text and timing of what
went to the DB-API cursor. Span shapes follow opentelemetry-instrumentation-sqlalchemy (engine.py):
  - one CLIENT span per cursor execute, named "<first word of the statement> <db name>", with db.statement,
    db.system ("sqlite"), db.name; status ERROR with the exception text from `handle_error`;
  - one CLIENT span "connect" per Engine.connect() (the instrumentation wraps Engine.connect), which a Session
    calls when it starts a transaction.
The request span follows opentelemetry-instrumentation-flask: SERVER, named "<METHOD> <url rule>", old HTTP
conventions (http.method, http.route, http.target, http.status_code, ...).

Run: python3 sqlalchemy_gen.py [corpus dir]      (Debian: apt-get install python3-sqlalchemy)
"""

import os
import sqlite3
import sys
import tempfile

import sqlalchemy
from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, create_engine, event, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, declarative_base, joinedload, relationship, selectinload

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_common import Recorder, Scenarios, blog_rows, out_dir, read_while_locked  # noqa: E402
from otlp_emit import CLIENT, Corpus, Tracer  # noqa: E402

OUT = out_dir()

Base = declarative_base()
post_tags = Table(
    "post_tags",
    Base.metadata,
    Column("post_id", ForeignKey("posts.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class Author(Base):
    __tablename__ = "authors"
    id = Column(Integer, primary_key=True)
    name = Column(String(80), nullable=False)
    email = Column(String(120), nullable=False)


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("authors.id"), nullable=False)
    title = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)
    view_count = Column(Integer, nullable=False, default=0)
    author = relationship(Author)
    comments = relationship("Comment", back_populates="post", order_by="Comment.id")
    tags = relationship("Tag", secondary=post_tags)


class Comment(Base):
    __tablename__ = "comments"
    id = Column(Integer, primary_key=True)
    post_id = Column(ForeignKey("posts.id"), nullable=False)
    author_id = Column(ForeignKey("authors.id"), nullable=False)
    body = Column(Text, nullable=False)
    post = relationship(Post, back_populates="comments")
    author = relationship(Author)


class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    name = Column(String(40), nullable=False)


workdir = tempfile.mkdtemp(prefix="n1-sqlalchemy-")
os.chdir(workdir)
DB_NAME = "blog.db"
engine = create_engine(f"sqlite:///{DB_NAME}", connect_args={"timeout": 0})

tracer = Tracer(
    resource={
        "service.name": "blog-flask",
        "service.version": "1.4.0",
        "deployment.environment": "staging",
        "telemetry.sdk.language": "python",
        "telemetry.sdk.name": "opentelemetry",
        "telemetry.sdk.version": "1.27.0",
    },
    scopes={
        "flask": ("opentelemetry.instrumentation.flask", "0.48b0"),
        "sqlalchemy": ("opentelemetry.instrumentation.sqlalchemy", "0.48b0"),
        "app": ("blog.views", ""),
    },
    seed=1404,
)
recorder = Recorder(tracer)


def _before(conn, cursor, statement, params, context, executemany):
    if recorder.active:
        span = tracer.start(
            f"{statement.split()[0]} {DB_NAME}",
            CLIENT,
            "sqlalchemy",
            {"db.statement": statement, "db.system": "sqlite", "db.name": DB_NAME},
            activate=False,
        )
        context._corpus_span = span
        recorder.capture(span, statement)


def _after(conn, cursor, statement, params, context, executemany):
    span = getattr(context, "_corpus_span", None)
    if span is not None:
        context._corpus_span = None
        tracer.end(span)


def _error(ctx):
    span = getattr(ctx.execution_context, "_corpus_span", None)
    if span is not None:
        ctx.execution_context._corpus_span = None
        span.set_error(str(ctx.original_exception))
        tracer.end(span)


event.listen(engine, "before_cursor_execute", _before)
event.listen(engine, "after_cursor_execute", _after)
event.listen(engine, "handle_error", _error)

# The instrumentation wraps Engine.connect in a "connect" CLIENT span.
_engine_connect = sqlalchemy.engine.base.Engine.connect


def _traced_connect(self, *args, **kwargs):
    if not recorder.active:
        return _engine_connect(self, *args, **kwargs)
    with tracer.span("connect", CLIENT, "sqlalchemy", {"db.name": DB_NAME, "db.system": "sqlite"}):
        return _engine_connect(self, *args, **kwargs)


sqlalchemy.engine.base.Engine.connect = _traced_connect


def seed():
    Base.metadata.create_all(engine)
    authors, tags, posts, comments = blog_rows(7)
    with Session(engine) as s:
        s.add_all([Author(**row) for row in authors] + [Tag(**row) for row in tags])
        for row in posts:
            s.add(Post(**row, view_count=0))
        for cid, row in enumerate(comments, 1):
            s.add(Comment(id=cid, **row))
        s.commit()


def request(method, rule, target, fn, *args):
    """Runs fn(session, *args) inside a Flask-shaped SERVER span; returns the trace id."""
    attrs = {
        "http.method": method,
        "http.server_name": "127.0.0.1",
        "http.scheme": "http",
        "net.host.port": 5000,
        "http.host": "localhost:5000",
        "http.target": target,
        "net.peer.ip": "127.0.0.1",
        "http.user_agent": "python-requests/2.31.0",
        "net.peer.port": 52114,
        "http.flavor": "1.1",
        "http.route": rule,
    }

    def handle():
        with Session(engine) as session:
            fn(session, *args)

    return recorder.request(f"{method} {rule}", "flask", attrs, handle)


# ---- scenarios: each function is one request handler ----


def posts_with_author(s, n):
    for p in s.query(Post).order_by(Post.id).limit(n).all():
        _ = p.author.name


def posts_with_author_fixed(s, n):
    for p in s.query(Post).options(joinedload(Post.author)).order_by(Post.id).limit(n).all():
        _ = p.author.name


def posts_with_comment_count(s, n):
    for p in s.query(Post).order_by(Post.id).limit(n).all():
        _ = len(p.comments)


def posts_with_comments_fixed(s, n):
    for p in s.query(Post).options(selectinload(Post.comments)).order_by(Post.id).limit(n).all():
        _ = len(p.comments)


def thread_view(s, n):
    for p in s.query(Post).order_by(Post.id).limit(n).all():
        for c in p.comments:
            _ = c.author.name


def thread_view_fixed(s, n):
    q = s.query(Post).options(selectinload(Post.comments).selectinload(Comment.author)).order_by(Post.id).limit(n)
    for p in q.all():
        for c in p.comments:
            _ = c.author.name


def post_cards_own_connection(s, ids):
    # A helper that opens its own connection per item (Core), as repository-style code often does.
    for pid in ids:
        with engine.connect() as conn:
            conn.execute(select(Post.__table__).where(Post.__table__.c.id == pid)).first()


def posts_by_ids(s, ids):
    for pid in ids:
        _ = s.get(Post, pid).title


def posts_by_ids_fixed(s, ids):
    _ = s.query(Post).filter(Post.id.in_(ids)).all()


def comment_counts(s, n):
    for p in s.query(Post).order_by(Post.id).limit(n).all():
        s.query(func.count(Comment.id)).filter(Comment.post_id == p.id).scalar()


def comment_counts_fixed(s, n):
    sub = select(Comment.post_id, func.count(Comment.id).label("n")).group_by(Comment.post_id).subquery()
    s.query(Post, sub.c.n).outerjoin(sub, sub.c.post_id == Post.id).order_by(Post.id).limit(n).all()


def tag_posts(s, ids, tag_id):
    for pid in ids:
        s.execute(post_tags.insert().values(post_id=pid, tag_id=tag_id))
        s.commit()
    s.execute(post_tags.delete().where(post_tags.c.tag_id == tag_id))
    s.commit()


def tag_posts_fixed(s, ids, tag_id):
    s.execute(post_tags.insert(), [{"post_id": pid, "tag_id": tag_id} for pid in ids])
    s.execute(post_tags.delete().where(post_tags.c.tag_id == tag_id))
    s.commit()


def bump_views(s, n):
    for p in s.query(Post).order_by(Post.id).limit(n).all():
        p.view_count = p.view_count + 1
        s.flush()
    s.commit()


def bump_views_fixed(s, n):
    ids = [pid for (pid,) in s.query(Post.id).order_by(Post.id).limit(n)]
    s.execute(update(Post).where(Post.id.in_(ids)).values(view_count=Post.view_count + 1))
    s.commit()


def export_pages(s, pages):
    for page in range(pages):
        s.query(Post).order_by(Post.id).limit(20).offset(page * 20).all()


def export_keyset(s, pages):
    last = 0
    for _ in range(pages):
        rows = s.query(Post).filter(Post.id > last).order_by(Post.id).limit(20).all()
        last = rows[-1].id


def stream_posts(s, n):
    for p in s.query(Post).order_by(Post.id).limit(n).yield_per(10):
        _ = p.title


def author_cached(s, n, cache):
    for p in s.query(Post).filter(Post.author_id.in_([1, 2, 3])).order_by(Post.id).limit(n).all():
        if p.author_id not in cache:
            cache[p.author_id] = s.query(Author).filter(Author.id == p.author_id).one().name


def dashboard(s):
    s.query(func.count(Author.id)).scalar()
    s.query(func.count(Post.id)).scalar()
    s.query(func.count(Comment.id)).scalar()
    s.query(Post).order_by(Post.id.desc()).limit(5).all()
    s.query(Author).order_by(Author.name).limit(10).all()
    s.query(Comment).order_by(Comment.id.desc()).limit(10).all()
    s.query(Tag).all()
    s.query(func.max(Post.view_count)).scalar()
    s.query(Post.author_id, func.count(Post.id)).group_by(Post.author_id).limit(5).all()


def retry_locked(s, failures):
    """Reads while another connection holds an exclusive lock; retries with backoff until it is released."""
    read_while_locked(DB_NAME, failures, lambda: s.query(Post).filter(Post.id == 1).one(), OperationalError, s.rollback)


def main():
    seed()
    corpus = Corpus(
        "sqlalchemy",
        OUT,
        {
            "stack": "Flask + SQLAlchemy ORM on SQLite (pysqlite)",
            "versions": {"sqlalchemy": sqlalchemy.__version__, "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version},
            "instrumentation": "opentelemetry-instrumentation-flask / -sqlalchemy 0.48b0 (old semantic conventions)",
        },
    )
    A = "FROM authors WHERE authors.id = ?"
    C = "FROM comments WHERE ? = comments.post_id"
    run = Scenarios(corpus, recorder, request, "/posts", "/posts")
    scenario, one, none, posts = run.scenario, run.one, run.none, run.posts
    scenario("p_many_to_one", posts(posts_with_author, [5, 12, 30]), one(A, source="FROM posts"))
    scenario("p_one_to_many", posts(posts_with_comment_count, [6, 10, 16]), one(C, source="FROM posts"))
    scenario("p_nested", posts(thread_view, [3, 5, 7], "thread view"), run.nested(A, C, "FROM posts"))
    scenario(
        "p_connect_per_item",
        [(f"{len(ids)} post cards, a connection each", "GET", "/cards", "/cards", post_cards_own_connection, (ids,)) for ids in ([3, 8, 13, 21, 34], list(range(40, 49)), list(range(60, 75)))],
        one("FROM posts WHERE posts.id = ?"),
    )
    scenario(
        "p_ids_no_source",
        [(f"{len(ids)} ids from the query string", "GET", "/posts/batch", "/posts/batch?ids=...", posts_by_ids, (ids,)) for ids in ([9, 4, 17, 2, 30], list(range(100, 111)), list(range(31, 46)))],
        one("FROM posts WHERE posts.id = ?"),
    )
    scenario("p_count_per_row", posts(comment_counts, [5, 9, 15]), one("count(comments.id)", source="FROM posts"))
    scenario(
        "p_insert_per_row",
        [(f"tag {len(ids)} posts, one INSERT and commit each", "POST", "/tags/<int:tag_id>/posts", "/tags/3/posts", tag_posts, (ids, 3)) for ids in (list(range(1, 6)), list(range(1, 9)), list(range(1, 17)))],
        one("INSERT INTO post_tags", "repeated_write"),
    )
    scenario(
        "p_update_per_row",
        [(f"bump {n} view counts, flush per row", "POST", "/posts/views", "/posts/views", bump_views, (n,)) for n in (5, 11, 16)],
        one("UPDATE posts SET view_count", "repeated_write"),
    )
    scenario("f_many_to_one", posts(posts_with_author_fixed, [5, 12, 30], "posts joinedload(author)"), none)
    scenario("f_one_to_many", posts(posts_with_comments_fixed, [6, 10, 16], "posts selectinload(comments)"), none)
    scenario("f_nested", posts(thread_view_fixed, [3, 5, 7], "thread view, chained selectinload"), none)
    scenario(
        "f_ids_no_source",
        [(f"{len(ids)} ids, one IN query", "GET", "/posts/batch", "/posts/batch?ids=...", posts_by_ids_fixed, (ids,)) for ids in ([9, 4, 17, 2, 30], list(range(100, 111)))],
        none,
    )
    scenario("f_count_per_row", posts(comment_counts_fixed, [5, 9, 15], "posts with counts, grouped subquery"), none)
    scenario(
        "f_insert_per_row",
        [(f"tag {len(ids)} posts, executemany", "POST", "/tags/<int:tag_id>/posts", "/tags/3/posts", tag_posts_fixed, (ids, 3)) for ids in (list(range(1, 6)), list(range(1, 41)))],
        none,
    )
    scenario(
        "f_update_per_row",
        [(f"bump {n} view counts, one UPDATE", "POST", "/posts/views", "/posts/views", bump_views_fixed, (n,)) for n in (5, 16)],
        none,
    )
    scenario("n_under_threshold", posts(posts_with_author, [3, 4, 4], "posts, few rows"), none)
    scenario(
        "n_pagination",
        [("export, 6 pages by OFFSET", "GET", "/export", "/export", export_pages, (6,)), ("export, 7 pages by OFFSET", "GET", "/export", "/export", export_pages, (7,)), ("export, 6 pages by keyset", "GET", "/export", "/export?keyset=1", export_keyset, (6,))],
        none,
    )
    scenario(
        "n_retry",
        [(f"read retried after {k} 'database is locked' errors", "GET", "/posts/<int:post_id>", "/posts/1", retry_locked, (k,)) for k in (2, 4, 5)],
        none,
    )
    scenario(
        "n_cached",
        [(f"{n} posts, author names from a request cache", "GET", "/posts", f"/posts?limit={n}", author_cached, (n, {})) for n in (12, 25)],
        none,
    )
    scenario(
        "n_stream",
        [(f"stream {n} posts with yield_per(10)", "GET", "/feed.xml", "/feed.xml", stream_posts, (n,)) for n in (40, 100)],
        none,
    )
    scenario("n_many_distinct", [("dashboard, many distinct queries", "GET", "/admin", "/admin", dashboard, ())] * 2, none)
    corpus.finish()


if __name__ == "__main__":
    main()

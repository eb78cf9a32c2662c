"""
The blog's request handlers on a sync SQLAlchemy 2.0 Session (`select()` API), shared by the Flask app (SQLite)
and the FastAPI app (PostgreSQL through psycopg 3). Each handler is `fn(session, **query)` and returns what the
endpoint answers; the scenario table (scenarios.py) names them by route. The N+1s are the ones users write:
lazy loads in a loop, a query per row, a write and commit per row, a Pydantic model that walks a relationship.
"""

import time

from opentelemetry import trace
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload, lazyload, selectinload, subqueryload

from sa_models import Author, Comment, Post, Tag, post_tags

tracer = trace.get_tracer("blog.views")


def _posts(s, n, *options):
    return s.scalars(select(Post).options(*options).order_by(Post.id).limit(n)).all()


def posts_authors(s, n):
    return [p.author.name for p in _posts(s, n)]


def posts_authors_joinedload(s, n):
    return [p.author.name for p in _posts(s, n, joinedload(Post.author))]


def posts_comments(s, n):
    return [len(p.comments) for p in _posts(s, n)]


def posts_comments_selectinload(s, n):
    return [len(p.comments) for p in _posts(s, n, selectinload(Post.comments))]


def posts_comments_subqueryload(s, n):
    return [len(p.comments) for p in _posts(s, n, subqueryload(Post.comments))]


def thread(s, n):
    return [[c.author.name for c in p.comments] for p in _posts(s, n)]


def thread_chained(s, n):
    return [[c.author.name for c in p.comments] for p in _posts(s, n, selectinload(Post.comments).selectinload(Comment.author))]


def posts_tags(s, n):
    # Post.tags is lazy="selectin" on the model: one more query for all the posts' tags
    return [[t.name for t in p.tags] for p in _posts(s, n)]


def posts_tags_lazyload(s, n):
    # a per-query lazyload() overrides the model's selectin default: the tags load per post again
    return [[t.name for t in p.tags] for p in _posts(s, n, lazyload(Post.tags))]


class AuthorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str


class PostOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    author: AuthorOut


def posts_pydantic(s, n):
    # the serializer reads post.author for each post: a lazy load per row, inside model_validate
    return [PostOut.model_validate(p).model_dump() for p in _posts(s, n)]


def posts_pydantic_joinedload(s, n):
    return [PostOut.model_validate(p).model_dump() for p in _posts(s, n, joinedload(Post.author))]


def post_cards_own_connection(s, ids):
    # a repository-style helper that opens its own connection per item (Core): a `connect` span before each query
    out = []
    for i in ids:
        with s.get_bind().connect() as conn:
            out.append(conn.execute(select(Post.__table__.c.title).where(Post.__table__.c.id == i)).scalar_one())
    return out


def post_cards_traced(s, n):
    # each card rendered inside an app span of its own (manual instrumentation with the SDK's tracer)
    cards = []
    for p in _posts(s, n):
        with tracer.start_as_current_span("render_post_card"):
            cards.append({"title": p.title, "author": p.author.name, "comments": len(p.comments)})
    return cards


def posts_by_ids(s, ids):
    return [s.get(Post, i).title for i in ids]


def posts_by_ids_in(s, ids):
    return [p.title for p in s.scalars(select(Post).where(Post.id.in_(ids)))]


def comment_counts(s, n):
    return [s.scalar(select(func.count(Comment.id)).where(Comment.post_id == p.id)) for p in _posts(s, n)]


def comment_counts_grouped(s, n):
    counts = select(Comment.post_id, func.count(Comment.id).label("n")).group_by(Comment.post_id).subquery()
    rows = s.execute(select(Post.id, counts.c.n).outerjoin(counts, counts.c.post_id == Post.id).order_by(Post.id).limit(n))
    return [n for _, n in rows]


def tag_posts(s, ids, tag):
    for i in ids:
        s.execute(insert(post_tags).values(post_id=i, tag_id=tag))
        s.commit()
    s.execute(post_tags.delete().where(post_tags.c.tag_id == tag))
    s.commit()
    return len(ids)


def tag_posts_bulk(s, ids, tag):
    s.execute(insert(post_tags), [{"post_id": i, "tag_id": tag} for i in ids])
    s.execute(post_tags.delete().where(post_tags.c.tag_id == tag))
    s.commit()
    return len(ids)


def bump_views(s, n):
    for p in _posts(s, n, lazyload(Post.tags)):
        p.view_count += 1
        s.flush()
    s.commit()
    return n


def bump_views_bulk(s, n):
    ids = s.scalars(select(Post.id).order_by(Post.id).limit(n)).all()
    s.execute(update(Post).where(Post.id.in_(ids)).values(view_count=Post.view_count + 1))
    s.commit()
    return n


def export_offset(s, pages):
    return [len(s.scalars(select(Post).options(lazyload(Post.tags)).order_by(Post.id).limit(20).offset(p * 20)).all()) for p in range(pages)]


def export_keyset(s, pages):
    last, sizes = 0, []
    for _ in range(pages):
        rows = s.scalars(select(Post).options(lazyload(Post.tags)).where(Post.id > last).order_by(Post.id).limit(20)).all()
        last = rows[-1].id
        sizes.append(len(rows))
    return sizes


def stream_posts(s, n):
    return sum(1 for _ in s.scalars(select(Post.title).order_by(Post.id).limit(n).execution_options(yield_per=10)))


def post_detail(s, id):
    p = s.get(Post, id)
    return {"title": p.title, "author": p.author.name, "comments": len(p.comments)}


def authors_cached(s, n):
    cache = {}
    for p in s.scalars(select(Post).options(lazyload(Post.tags)).where(Post.author_id.in_([1, 2, 3])).order_by(Post.id).limit(n)):
        if p.author_id not in cache:
            cache[p.author_id] = s.scalars(select(Author).where(Author.id == p.author_id)).one().name
    return cache


def dashboard(s):
    return [
        s.scalar(select(func.count(Author.id))),
        s.scalar(select(func.count(Post.id))),
        s.scalar(select(func.count(Comment.id))),
        len(s.scalars(select(Post).options(lazyload(Post.tags)).order_by(Post.id.desc()).limit(5)).all()),
        len(s.scalars(select(Author).order_by(Author.name).limit(10)).all()),
        len(s.scalars(select(Comment).order_by(Comment.id.desc()).limit(10)).all()),
        len(s.scalars(select(Tag)).all()),
        s.scalar(select(func.max(Post.view_count))),
        len(s.execute(select(Post.author_id, func.count(Post.id)).group_by(Post.author_id).limit(5)).all()),
    ]


def read_retried(s, attempts=12):
    """Reads a post while the recorder holds a lock on posts (SQLite: BEGIN EXCLUSIVE; PostgreSQL: LOCK TABLE,
    with lock_timeout set on the connection); retries with backoff until the lock is gone."""
    for attempt in range(attempts):
        try:
            return s.scalars(select(Post).options(lazyload(Post.tags)).where(Post.id == 1)).one().title
        except OperationalError:
            s.rollback()
            time.sleep(0.02 * (attempt + 1))
    raise RuntimeError("still locked")


VIEWS = {name: fn for name, fn in globals().items() if callable(fn) and not isinstance(fn, type) and not name.startswith("_") and fn.__module__ == __name__}

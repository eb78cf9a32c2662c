"""
The blog's request handlers on SQLAlchemy 2.0's asyncio ORM (AsyncSession over asyncpg), for the FastAPI app in
sa_async_app.py. A lazy load cannot happen implicitly under asyncio (it raises MissingGreenlet), so the N+1s are
written the way async code writes them: `await post.awaitable_attrs.author` per row (AsyncAttrs), an awaited
query per row, and a fan-out: `asyncio.gather` of one query per row, each task on its own session (an
AsyncSession cannot run two queries at once), so the queries overlap on the pool's connections.
"""

import asyncio

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import joinedload, lazyload, selectinload, subqueryload

from sa_models import Author, Comment, Post, Tag, post_tags

sessions = None  # the app's async_sessionmaker, set by sa_async_app


async def _posts(s, n, *options):
    return (await s.scalars(select(Post).options(*options).order_by(Post.id).limit(n))).all()


async def posts_authors(s, n):
    return [(await p.awaitable_attrs.author).name for p in await _posts(s, n)]


async def posts_authors_joinedload(s, n):
    return [p.author.name for p in await _posts(s, n, joinedload(Post.author))]


async def _author_name(author_id):
    async with sessions() as s:
        return (await s.get(Author, author_id)).name


async def posts_authors_gather(s, n):
    return await asyncio.gather(*(_author_name(p.author_id) for p in await _posts(s, n)))


async def posts_authors_gather_in(s, n):
    posts = await _posts(s, n)
    authors = {a.id: a.name for a in await s.scalars(select(Author).where(Author.id.in_({p.author_id for p in posts})))}
    return [authors[p.author_id] for p in posts]


async def posts_comments(s, n):
    return [len(await p.awaitable_attrs.comments) for p in await _posts(s, n)]


async def posts_comments_selectinload(s, n):
    return [len(p.comments) for p in await _posts(s, n, selectinload(Post.comments))]


async def posts_comments_subqueryload(s, n):
    return [len(p.comments) for p in await _posts(s, n, subqueryload(Post.comments))]


async def thread(s, n):
    out = []
    for p in await _posts(s, n):
        out.append([(await c.awaitable_attrs.author).name for c in await p.awaitable_attrs.comments])
    return out


async def thread_chained(s, n):
    posts = await _posts(s, n, selectinload(Post.comments).selectinload(Comment.author))
    return [[c.author.name for c in p.comments] for p in posts]


async def posts_tags(s, n):
    # Post.tags is lazy="selectin" on the model: loaded with the posts, one more query
    return [[t.name for t in p.tags] for p in await _posts(s, n)]


async def posts_tags_lazyload(s, n):
    # lazyload() overrides the model's selectin default: each post's tags are awaited one by one again
    return [[t.name for t in await p.awaitable_attrs.tags] for p in await _posts(s, n, lazyload(Post.tags))]


async def posts_by_ids(s, ids):
    return [(await s.get(Post, i)).title for i in ids]


async def posts_by_ids_in(s, ids):
    return [p.title for p in await s.scalars(select(Post).where(Post.id.in_(ids)))]


async def comment_counts(s, n):
    return [await s.scalar(select(func.count(Comment.id)).where(Comment.post_id == p.id)) for p in await _posts(s, n)]


async def comment_counts_grouped(s, n):
    counts = select(Comment.post_id, func.count(Comment.id).label("n")).group_by(Comment.post_id).subquery()
    rows = await s.execute(select(Post.id, counts.c.n).outerjoin(counts, counts.c.post_id == Post.id).order_by(Post.id).limit(n))
    return [n for _, n in rows]


async def tag_posts(s, ids, tag):
    for i in ids:
        await s.execute(insert(post_tags).values(post_id=i, tag_id=tag))
        await s.commit()
    await s.execute(post_tags.delete().where(post_tags.c.tag_id == tag))
    await s.commit()
    return len(ids)


async def tag_posts_bulk(s, ids, tag):
    await s.execute(insert(post_tags), [{"post_id": i, "tag_id": tag} for i in ids])
    await s.execute(post_tags.delete().where(post_tags.c.tag_id == tag))
    await s.commit()
    return len(ids)


async def bump_views(s, n):
    for p in await _posts(s, n, lazyload(Post.tags)):
        p.view_count += 1
        await s.flush()
    await s.commit()
    return n


async def bump_views_bulk(s, n):
    ids = (await s.scalars(select(Post.id).order_by(Post.id).limit(n))).all()
    await s.execute(update(Post).where(Post.id.in_(ids)).values(view_count=Post.view_count + 1))
    await s.commit()
    return n


async def export_offset(s, pages):
    q = select(Post).options(lazyload(Post.tags)).order_by(Post.id).limit(20)
    return [len((await s.scalars(q.offset(p * 20))).all()) for p in range(pages)]


async def export_keyset(s, pages):
    last, sizes = 0, []
    for _ in range(pages):
        rows = (await s.scalars(select(Post).options(lazyload(Post.tags)).where(Post.id > last).order_by(Post.id).limit(20))).all()
        last = rows[-1].id
        sizes.append(len(rows))
    return sizes


async def stream_posts(s, n):
    result = await s.stream_scalars(select(Post.title).order_by(Post.id).limit(n).execution_options(yield_per=10))
    return len([t async for t in result])


async def post_detail(s, id):
    p = await s.get(Post, id, options=[selectinload(Post.comments)])
    return {"title": p.title, "author": (await p.awaitable_attrs.author).name, "comments": len(p.comments)}


async def authors_cached(s, n):
    cache = {}
    q = select(Post).options(lazyload(Post.tags)).where(Post.author_id.in_([1, 2, 3])).order_by(Post.id).limit(n)
    for p in (await s.scalars(q)).all():
        if p.author_id not in cache:
            cache[p.author_id] = (await s.scalars(select(Author).where(Author.id == p.author_id))).one().name
    return cache


async def dashboard(s):
    return [
        await s.scalar(select(func.count(Author.id))),
        await s.scalar(select(func.count(Post.id))),
        await s.scalar(select(func.count(Comment.id))),
        len((await s.scalars(select(Post).options(lazyload(Post.tags)).order_by(Post.id.desc()).limit(5))).all()),
        len((await s.scalars(select(Author).order_by(Author.name).limit(10))).all()),
        len((await s.scalars(select(Comment).order_by(Comment.id.desc()).limit(10))).all()),
        len((await s.scalars(select(Tag))).all()),
        await s.scalar(select(func.max(Post.view_count))),
        len((await s.execute(select(Post.author_id, func.count(Post.id)).group_by(Post.author_id).limit(5))).all()),
    ]


async def read_retried(s, attempts=12):
    """Reads a post while the recorder holds LOCK TABLE posts (lock_timeout is set on the connection)."""
    for attempt in range(attempts):
        try:
            return (await s.scalars(select(Post).options(lazyload(Post.tags)).where(Post.id == 1))).one().title
        except DBAPIError:
            await s.rollback()
            await asyncio.sleep(0.02 * (attempt + 1))
    raise RuntimeError("still locked")


VIEWS = {name: fn for name, fn in globals().items() if asyncio.iscoroutinefunction(fn) and not name.startswith("_")}

"""
Django corpus generator: a blog app on SQLite, traced the way opentelemetry-instrumentation-django +
opentelemetry-instrumentation-sqlite3 (the DB-API integration) trace it.

The SQL is real: statements are recorded at Django's SQLite cursor (SQLiteCursorWrapper.execute/executemany),
which is the object the sqlite3 instrumentation's TracedCursorProxy wraps. So the text is what that
instrumentation records: Django's query with `%s` placeholders (the backend turns them into `?` just below).
Span shapes:
  - DB-API (opentelemetry-instrumentation-dbapi, used by -sqlite3): one CLIENT span per execute, named after
    the statement's first word ("SELECT"), with db.system "sqlite", db.name, db.statement; an exception is
    recorded and sets status ERROR "<ExceptionType>: <message>" (start_as_current_span).
  - Django: SERVER span "<METHOD> <route>" where route is resolver_match.route (no leading slash), with
    http.route and the old HTTP conventions.

Run: python3 django_gen.py [corpus dir]      (Debian: apt-get install python3-django)
"""

import os
import sqlite3
import sys
import tempfile
import types

import django
from django.apps import AppConfig
from django.conf import settings

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_common import Recorder, Scenarios, blog_rows, out_dir, read_while_locked  # noqa: E402
from otlp_emit import CLIENT, INTERNAL, Corpus, Tracer  # noqa: E402

OUT = out_dir()
workdir = tempfile.mkdtemp(prefix="n1-django-")
DB_PATH = os.path.join(workdir, "db.sqlite3")


class BlogConfig(AppConfig):
    name = "blog"
    label = "blog"
    path = workdir


sys.modules["blog"] = types.ModuleType("blog")
settings.configure(
    INSTALLED_APPS=["__main__.BlogConfig"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DB_PATH, "OPTIONS": {"timeout": 0}}},
    USE_TZ=True,
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)
django.setup()

from django.core.paginator import Paginator  # noqa: E402
from django.db import OperationalError, connection, models  # noqa: E402
from django.db.backends.sqlite3.base import SQLiteCursorWrapper  # noqa: E402
from django.db.models import Count, F  # noqa: E402


class Author(models.Model):
    name = models.CharField(max_length=80)
    email = models.CharField(max_length=120)

    class Meta:
        app_label = "blog"


class Tag(models.Model):
    name = models.CharField(max_length=40)

    class Meta:
        app_label = "blog"


class Post(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    body = models.TextField()
    view_count = models.IntegerField(default=0)
    tags = models.ManyToManyField(Tag, through="PostTag")

    class Meta:
        app_label = "blog"


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    body = models.TextField()

    class Meta:
        app_label = "blog"


class PostTag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        app_label = "blog"


tracer = Tracer(
    resource={
        "service.name": "blog-django",
        "service.version": "2024.11.3",
        "deployment.environment": "production",
        "telemetry.sdk.language": "python",
        "telemetry.sdk.name": "opentelemetry",
        "telemetry.sdk.version": "1.27.0",
    },
    scopes={
        "django": ("opentelemetry.instrumentation.django", "0.48b0"),
        "sqlite3": ("opentelemetry.instrumentation.sqlite3", "0.48b0"),
        "app": ("blog.views", ""),
    },
    seed=3225,
)
recorder = Recorder(tracer)
DB_NAME = "db.sqlite3"


def _traced(method):
    def wrapper(self, query, *args, **kwargs):
        if not recorder.active:
            return method(self, query, *args, **kwargs)
        attrs = {"db.system": "sqlite", "db.name": DB_NAME, "db.statement": query}
        with tracer.span(query.split()[0], CLIENT, "sqlite3", attrs) as span:
            recorder.capture(span, query)
            return method(self, query, *args, **kwargs)

    return wrapper


SQLiteCursorWrapper.execute = _traced(SQLiteCursorWrapper.execute)
SQLiteCursorWrapper.executemany = _traced(SQLiteCursorWrapper.executemany)


def seed():
    with connection.schema_editor() as editor:
        for model in (Author, Tag, Post, Comment, PostTag):
            editor.create_model(model)
    authors, tags, posts, comments = blog_rows(11)
    Author.objects.bulk_create([Author(**row) for row in authors])
    Tag.objects.bulk_create([Tag(**row) for row in tags])
    Post.objects.bulk_create([Post(**row) for row in posts])
    Comment.objects.bulk_create([Comment(**row) for row in comments])


def request(method, route, target, fn, *args):
    """Runs fn(*args) inside a Django-shaped SERVER span; returns the trace id."""
    attrs = {
        "http.method": method,
        "http.server_name": "blog-web-7c9f",
        "http.scheme": "http",
        "net.host.port": 8000,
        "http.host": "blog.example.org",
        "http.url": f"http://blog.example.org{target}",
        "net.peer.ip": "10.0.3.17",
        "http.user_agent": "Mozilla/5.0",
        "http.flavor": "1.1",
        "http.route": route,
        "http.target": target,
    }
    return recorder.request(f"{method} {route}", "django", attrs, lambda: fn(*args))


# ---- scenarios: each function is one view ----


def posts_with_author(n):
    for p in Post.objects.order_by("id")[:n]:
        _ = p.author.name


def posts_with_author_fixed(n):
    for p in Post.objects.select_related("author").order_by("id")[:n]:
        _ = p.author.name


def posts_with_comments(n):
    for p in Post.objects.order_by("id")[:n]:
        _ = list(p.comments.all())


def posts_with_comments_fixed(n):
    for p in Post.objects.prefetch_related("comments").order_by("id")[:n]:
        _ = list(p.comments.all())


def thread_view(n):
    for p in Post.objects.order_by("id")[:n]:
        for c in p.comments.all():
            _ = c.author.name


def thread_view_fixed(n):
    for p in Post.objects.prefetch_related("comments__author").order_by("id")[:n]:
        for c in p.comments.all():
            _ = c.author.name


def post_cards_wrapped(n):
    # Each card is rendered by a helper that opens its own span (a template tag / service function).
    for p in Post.objects.order_by("id")[:n]:
        with tracer.span("render_post_card", INTERNAL, "app", {"code.function": "render_post_card", "code.namespace": "blog.templatetags.cards"}):
            _ = p.author.name


def posts_by_ids(ids):
    for pid in ids:
        _ = Post.objects.get(pk=pid).title


def posts_by_ids_fixed(ids):
    _ = list(Post.objects.in_bulk(ids).values())


def comment_counts(n):
    for p in Post.objects.order_by("id")[:n]:
        p.comments.count()


def comment_counts_fixed(n):
    list(Post.objects.annotate(n_comments=Count("comments")).order_by("id")[:n])


def tag_posts(ids, tag_id):
    for pid in ids:
        PostTag.objects.create(post_id=pid, tag_id=tag_id)
    PostTag.objects.filter(tag_id=tag_id).delete()


def tag_posts_fixed(ids, tag_id):
    PostTag.objects.bulk_create([PostTag(post_id=pid, tag_id=tag_id) for pid in ids])
    PostTag.objects.filter(tag_id=tag_id).delete()


def bump_views(n):
    for p in Post.objects.order_by("id")[:n]:
        p.view_count += 1
        p.save(update_fields=["view_count"])


def bump_views_fixed(n):
    ids = list(Post.objects.order_by("id").values_list("id", flat=True)[:n])
    Post.objects.filter(id__in=ids).update(view_count=F("view_count") + 1)


def export_pages(pages):
    paginator = Paginator(Post.objects.order_by("id"), 20)
    for number in range(1, pages + 1):
        list(paginator.page(number))


def export_keyset(pages):
    last = 0
    for _ in range(pages):
        rows = list(Post.objects.filter(id__gt=last).order_by("id")[:20])
        last = rows[-1].id


def stream_posts(n):
    for p in Post.objects.order_by("id")[:n].iterator(chunk_size=10):
        _ = p.title


def author_cached(n):
    cache = {}
    for p in Post.objects.filter(author_id__in=[1, 2, 3]).order_by("id")[:n]:
        if p.author_id not in cache:
            cache[p.author_id] = Author.objects.get(pk=p.author_id).name


def dashboard():
    Author.objects.count()
    Post.objects.count()
    Comment.objects.count()
    list(Post.objects.order_by("-id")[:5])
    list(Author.objects.order_by("name")[:10])
    list(Comment.objects.order_by("-id")[:10])
    list(Tag.objects.all())
    Post.objects.aggregate(models.Max("view_count"))
    list(Post.objects.values("author_id").annotate(n=Count("id")).order_by("author_id")[:5])


def retry_locked(failures):
    read_while_locked(DB_PATH, failures, lambda: Post.objects.get(pk=1), OperationalError)


def main():
    seed()
    corpus = Corpus(
        "django",
        OUT,
        {
            "stack": "Django ORM on SQLite (sqlite3 DB-API)",
            "versions": {"django": django.get_version(), "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version},
            "instrumentation": "opentelemetry-instrumentation-django / -sqlite3 0.48b0 (old semantic conventions)",
        },
    )
    A = 'FROM "blog_author" WHERE "blog_author"."id" = %s'
    C = 'FROM "blog_comment" WHERE "blog_comment"."post_id" = %s'
    P = 'FROM "blog_post" WHERE "blog_post"."id" = %s'
    run = Scenarios(corpus, recorder, request, "blog/posts/", "/blog/posts/")
    scenario, one, none, posts = run.scenario, run.one, run.none, run.posts
    src = 'FROM "blog_post"'
    scenario("p_many_to_one", posts(posts_with_author, [5, 12, 30]), one(A, source=src))
    scenario("p_one_to_many", posts(posts_with_comments, [6, 10, 16]), one(C, source=src))
    scenario("p_nested", posts(thread_view, [3, 5, 7], "thread view"), run.nested(A, C, src))
    scenario("p_wrapped_per_item", posts(post_cards_wrapped, [5, 8, 15], "post cards, a span per card"), one(A, source=src))
    scenario(
        "p_ids_no_source",
        [(f"{len(ids)} ids from the query string", "GET", "blog/posts/batch/", "/blog/posts/batch/?ids=...", posts_by_ids, (ids,)) for ids in ([9, 4, 17, 2, 30], list(range(100, 111)), list(range(31, 46)))],
        one(P),
    )
    scenario("p_count_per_row", posts(comment_counts, [5, 9, 15]), one('SELECT COUNT(*) AS "__count" FROM "blog_comment"', source=src))
    scenario(
        "p_insert_per_row",
        [(f"tag {len(ids)} posts, create() each", "POST", "blog/tags/<int:tag_id>/posts/", "/blog/tags/3/posts/", tag_posts, (ids, 3)) for ids in (list(range(1, 6)), list(range(1, 9)), list(range(1, 17)))],
        one('INSERT INTO "blog_posttag"', "repeated_write"),
    )
    scenario(
        "p_update_per_row",
        [(f"bump {n} view counts, save() each", "POST", "blog/posts/views/", "/blog/posts/views/", bump_views, (n,)) for n in (5, 11, 16)],
        one('UPDATE "blog_post" SET "view_count"', "repeated_write"),
    )
    scenario("f_many_to_one", posts(posts_with_author_fixed, [5, 12, 30], "posts select_related(author)"), none)
    scenario("f_one_to_many", posts(posts_with_comments_fixed, [6, 10, 16], "posts prefetch_related(comments)"), none)
    scenario("f_nested", posts(thread_view_fixed, [3, 5, 7], "thread view, prefetch_related(comments__author)"), none)
    scenario(
        "f_ids_no_source",
        [(f"{len(ids)} ids, in_bulk", "GET", "blog/posts/batch/", "/blog/posts/batch/?ids=...", posts_by_ids_fixed, (ids,)) for ids in ([9, 4, 17, 2, 30], list(range(100, 111)))],
        none,
    )
    scenario("f_count_per_row", posts(comment_counts_fixed, [5, 9, 15], "posts annotate(Count)"), none)
    scenario(
        "f_insert_per_row",
        [(f"tag {len(ids)} posts, bulk_create", "POST", "blog/tags/<int:tag_id>/posts/", "/blog/tags/3/posts/", tag_posts_fixed, (ids, 3)) for ids in (list(range(1, 6)), list(range(1, 17)))],
        none,
    )
    scenario(
        "f_update_per_row",
        [(f"bump {n} view counts, queryset update(F())", "POST", "blog/posts/views/", "/blog/posts/views/", bump_views_fixed, (n,)) for n in (5, 16)],
        none,
    )
    scenario("n_under_threshold", posts(posts_with_author, [3, 4, 4], "posts, few rows"), none)
    scenario(
        "n_pagination",
        [("export, 6 pages by Paginator", "GET", "blog/export/", "/blog/export/", export_pages, (6,)), ("export, 7 pages by Paginator", "GET", "blog/export/", "/blog/export/", export_pages, (7,)), ("export, 6 pages by keyset", "GET", "blog/export/", "/blog/export/?keyset=1", export_keyset, (6,))],
        none,
    )
    scenario(
        "n_retry",
        [(f"read retried after {k} 'database is locked' errors", "GET", "blog/posts/<int:pk>/", "/blog/posts/1/", retry_locked, (k,)) for k in (2, 4, 5)],
        none,
    )
    scenario(
        "n_cached",
        [(f"{n} posts, author names from a request cache", "GET", "blog/posts/", f"/blog/posts/?limit={n}", author_cached, (n,)) for n in (12, 25)],
        none,
    )
    scenario(
        "n_stream",
        [(f"stream {n} posts with iterator(chunk_size=10)", "GET", "blog/feed/", "/blog/feed/", stream_posts, (n,)) for n in (40, 100)],
        none,
    )
    scenario("n_many_distinct", [("dashboard, many distinct queries", "GET", "blog/admin/", "/blog/admin/", dashboard, ())] * 2, none)
    corpus.finish()


if __name__ == "__main__":
    main()

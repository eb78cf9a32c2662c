"""
Records Django 5.2 + Django REST Framework on PostgreSQL 15 (psycopg 3) with the real OpenTelemetry Python SDK into
corpus/django: `opentelemetry-instrument python -m django runserver --noreload`, the instrumentations that
`opentelemetry-bootstrap` picks (django, psycopg, dbapi, ...), exported over OTLP/HTTP protobuf, gzip, to the tap
(otlp_tap.py). Run by record.sh: python django_record.py <corpus dir>
"""

import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from otlp_tap import Tap  # noqa: E402
from recorder import NONE, App, Recording, nested, one  # noqa: E402
from sa_record import APP_PORT, TAP_GRPC, TAP_HTTP, lock_holder  # noqa: E402
from versions import versions  # noqa: E402

PG_URL = os.environ.get("BLOG_DJANGO_PG_URL", "postgresql://postgres@127.0.0.1:14450/blog_django")

# Statements as Django writes them (quotes and placeholders compared loosely, recorder.comparable)
AUTHOR = 'FROM "django_blog_author" WHERE "django_blog_author"."id" = %s'
COMMENTS = 'FROM "django_blog_comment" WHERE "django_blog_comment"."post_id" = %s'
POSTS = 'FROM "django_blog_post"'


def scenarios(rec):
    def posts(route, ns, what="posts"):
        return [(f"{what}, {n} rows", "GET", f"/{route}/?n={n}") for n in ns]

    def ids(route, lists, what):
        return [(f"{len(i)} {what}", "GET", f"/{route}/?ids={','.join(map(str, i))}") for i in lists]

    s = rec.scenario
    s("p_many_to_one", posts("posts-authors", [5, 12, 30], "posts, post.author per row"), one(AUTHOR, source=POSTS))
    s("p_one_to_many", posts("posts-comments", [6, 10, 16], "posts, post.comments.all() per row"), one(COMMENTS, source=POSTS))
    s("p_nested", posts("thread", [3, 5, 7], "thread view"), nested(AUTHOR, COMMENTS, POSTS))
    s("p_serializer", posts("drf-posts", [5, 14], "DRF PostSerializer(author=AuthorSerializer())"), one(AUTHOR, source=POSTS))
    s("p_serializer_nested", posts("drf-threads", [3, 6], "DRF PostThreadSerializer(comments=CommentSerializer(many=True))"), nested(AUTHOR, COMMENTS, POSTS))
    s("p_wrapped_per_item", posts("post-cards-traced", [5, 9], "post cards, each in a render_post_card span"), one(AUTHOR, source=POSTS) + one('SELECT COUNT(*) AS "__count" FROM "django_blog_comment"', source=POSTS))
    s("p_ids_no_source", ids("posts-by-ids", [[9, 4, 17, 2, 30], list(range(100, 111))], "ids from the query string, objects.get each"), one('FROM "django_blog_post" WHERE "django_blog_post"."id" = %s'))
    s("p_count_per_row", posts("comment-counts", [5, 9, 15], "posts, Comment.objects.filter(post=p).count() per row"), one('SELECT COUNT(*) AS "__count" FROM "django_blog_comment"', source=POSTS))
    s("p_insert_per_row", [(f"tag {n} posts, PostTag.objects.create each", "POST", f"/tag-posts/?ids={','.join(map(str, range(1, n + 1)))}&tag=11") for n in (5, 16)], one('INSERT INTO "django_blog_posttag"', "repeated_write"))
    s("p_update_per_row", [(f"bump {n} view counts, save(update_fields) per row", "POST", f"/bump-views/?n={n}") for n in (5, 16)], one('UPDATE "django_blog_post" SET "view_count"', "repeated_write"))
    s("f_many_to_one", posts("posts-authors-select-related", [5, 30], "posts select_related('author')"), NONE)
    s("f_one_to_many", posts("posts-comments-prefetch", [6, 16], "posts prefetch_related('comments')"), NONE)
    s("f_nested", posts("thread-prefetch", [3, 7], "prefetch_related('comments__author')"), NONE)
    s("f_serializer", posts("drf-posts-select-related", [5, 14], "DRF PostSerializer over select_related('author')"), NONE)
    s("f_serializer_nested", posts("drf-threads-prefetch", [3, 6], "DRF PostThreadSerializer over prefetch_related('comments__author')"), NONE)
    s("f_ids_no_source", ids("posts-by-ids-in-bulk", [[9, 4, 17, 2, 30], list(range(100, 111))], "ids, in_bulk"), NONE)
    s("f_count_per_row", posts("comment-counts-annotate", [5, 15], "annotate(n=Count('comments'))"), NONE)
    s("f_insert_per_row", [(f"tag {n} posts, bulk_create", "POST", f"/tag-posts-bulk-create/?ids={','.join(map(str, range(1, n + 1)))}&tag=11") for n in (5, 40)], NONE)
    s("f_update_per_row", [(f"bump {n} view counts, update(F('view_count') + 1)", "POST", f"/bump-views-update/?n={n}") for n in (5, 16)], NONE)
    s("n_under_threshold", posts("posts-authors", [3, 4], "posts, few rows"), NONE)
    s("n_pagination", [("export, 6 pages with Paginator", "GET", "/export-paginator/?pages=6"), ("export, 6 pages by keyset", "GET", "/export-keyset/?pages=6")], NONE)
    s("n_lookup_by_id", [(f"post {i} with its author, comment count", "GET", f"/post-detail/?id={i}") for i in (3, 42)], NONE)
    s("n_retry", [("read retried while blog_post is locked", "GET", "/read-retried/")] * 2, NONE)
    s("n_cached", [(f"{n} posts, author names cached in the request", "GET", f"/authors-cached/?n={n}") for n in (12, 25)], NONE)
    s("n_stream", [("stream 100 post titles with iterator(chunk_size=10)", "GET", "/stream-posts/?n=100")], NONE)
    s("n_many_distinct", [("dashboard, many distinct queries", "GET", "/dashboard/")] * 2, NONE)


def main(out):
    work = tempfile.mkdtemp(prefix="n1-django-")
    base = {**os.environ, "PYTHONPATH": HERE, "PYTHONDONTWRITEBYTECODE": "1", "DJANGO_SETTINGS_MODULE": "django_blog.settings", "BLOG_DJANGO_PG_URL": PG_URL}
    subprocess.run([sys.executable, "-m", "django_blog.seed"], env=base, check=True)  # without tracing
    tap = Tap(TAP_HTTP, TAP_GRPC, os.environ.get("N1RADAR_OTLP_HTTP"), os.environ.get("N1RADAR_OTLP_GRPC")).start()
    env = {
        **base,
        "OTEL_SERVICE_NAME": "blog-django",
        "OTEL_METRICS_EXPORTER": "none",
        "OTEL_LOGS_EXPORTER": "none",
        "OTEL_PYTHON_EXCLUDED_URLS": "_flush",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{TAP_HTTP}",
    }
    argv = ["opentelemetry-instrument", "python", "-m", "django", "runserver", f"127.0.0.1:{APP_PORT}", "--noreload"]
    app = App(argv, env, work, APP_PORT)
    try:
        meta = {
            "stack": "Django 5.2 ORM + Django REST Framework 3.18 on PostgreSQL 15 (psycopg 3), runserver",
            "export": "OTLP/HTTP protobuf with gzip (opentelemetry-exporter-otlp-proto-http), turned into OTLP/JSON by the tap",
            "versions": versions(["django", "djangorestframework", "psycopg"]),
        }
        rec = Recording(os.path.join(out, "django"), "django", meta, tap, app, "opentelemetry.instrumentation.psycopg", {"n_retry": lock_holder(PG_URL, 0.6, "django_blog_post")})
        scenarios(rec)
        rec.finish()
    finally:
        app.stop()
        tap.stop()


if __name__ == "__main__":
    main(os.path.abspath(sys.argv[1]))

"""Creates the tables afresh and fills them like sa_models.seed: run without instrumentation, before the app starts
(`python -m django_blog.seed`)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_blog.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from django_blog.models import Author, Comment, Post, PostTag, Tag  # noqa: E402

with connection.cursor() as c:
    c.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
call_command("migrate", run_syncdb=True, verbosity=0)
Author.objects.bulk_create([Author(id=i, name=f"Author {i}", email=f"a{i}@example.org") for i in range(1, 121)])
Tag.objects.bulk_create([Tag(id=i, name=f"tag{i}") for i in range(1, 12)])
Post.objects.bulk_create([Post(id=i, author_id=(i - 1) % 120 + 1, title=f"Post {i}", body="...") for i in range(1, 151)])
Comment.objects.bulk_create(
    [Comment(post_id=i, author_id=(i * 7 + k * 13) % 120 + 1, body="Nice post") for i in range(1, 151) for k in range(2 + i % 4)]
)
PostTag.objects.bulk_create([PostTag(post_id=i, tag_id=t) for i in range(1, 151) for t in {i % 10 + 1, (i + 3) % 10 + 1}])

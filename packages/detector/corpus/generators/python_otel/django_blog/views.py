"""
The blog's views with the Django ORM (and Django REST Framework serializers). Each is `fn(**query)` returning
what the endpoint answers; urls.py serves them at /<name with dashes>/. The N+1s are the ones Django users write:
a related object read per row, a queryset per row, `count()` per row, `create()` / `save()` per row, and a DRF
serializer whose nested serializer walks a relation the view's queryset did not load.
"""

import time

from django.core.paginator import Paginator
from django.db import OperationalError
from django.db.models import Count, F
from opentelemetry import trace
from rest_framework import serializers

from django_blog.models import Author, Comment, Post, PostTag, Tag

tracer = trace.get_tracer("blog.views")


def _posts(n):
    return Post.objects.order_by("id")[:n]


def posts_authors(n):
    return [p.author.name for p in _posts(n)]


def posts_authors_select_related(n):
    return [p.author.name for p in _posts(n).select_related("author")]


def posts_comments(n):
    return [len(p.comments.all()) for p in _posts(n)]


def posts_comments_prefetch(n):
    return [len(p.comments.all()) for p in _posts(n).prefetch_related("comments")]


def thread(n):
    return [[c.author.name for c in p.comments.all()] for p in _posts(n)]


def thread_prefetch(n):
    return [[c.author.name for c in p.comments.all()] for p in _posts(n).prefetch_related("comments__author")]


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class CommentSerializer(serializers.ModelSerializer):
    author = AuthorSerializer()

    class Meta:
        model = Comment
        fields = ["id", "body", "author"]


class PostSerializer(serializers.ModelSerializer):
    author = AuthorSerializer()

    class Meta:
        model = Post
        fields = ["id", "title", "author"]


class PostThreadSerializer(serializers.ModelSerializer):
    comments = CommentSerializer(many=True)

    class Meta:
        model = Post
        fields = ["id", "title", "comments"]


def drf_posts(n):
    return PostSerializer(_posts(n), many=True).data


def drf_posts_select_related(n):
    return PostSerializer(_posts(n).select_related("author"), many=True).data


def drf_threads(n):
    return PostThreadSerializer(_posts(n), many=True).data


def drf_threads_prefetch(n):
    return PostThreadSerializer(_posts(n).prefetch_related("comments__author"), many=True).data


def post_cards_traced(n):
    # each card rendered inside an app span of its own (manual instrumentation with the SDK's tracer)
    cards = []
    for p in _posts(n):
        with tracer.start_as_current_span("render_post_card"):
            cards.append({"title": p.title, "author": p.author.name, "comments": p.comments.count()})
    return cards


def posts_by_ids(ids):
    return [Post.objects.get(id=i).title for i in ids]


def posts_by_ids_in_bulk(ids):
    return [p.title for p in Post.objects.in_bulk(ids).values()]


def comment_counts(n):
    return [Comment.objects.filter(post=p).count() for p in _posts(n)]


def comment_counts_annotate(n):
    return [p.n for p in _posts(n).annotate(n=Count("comments"))]


def tag_posts(ids, tag):
    for i in ids:
        PostTag.objects.create(post_id=i, tag_id=tag)
    PostTag.objects.filter(tag_id=tag).delete()
    return len(ids)


def tag_posts_bulk_create(ids, tag):
    PostTag.objects.bulk_create([PostTag(post_id=i, tag_id=tag) for i in ids])
    PostTag.objects.filter(tag_id=tag).delete()
    return len(ids)


def bump_views(n):
    for p in _posts(n):
        p.view_count += 1
        p.save(update_fields=["view_count"])
    return n


def bump_views_update(n):
    ids = list(_posts(n).values_list("id", flat=True))
    Post.objects.filter(id__in=ids).update(view_count=F("view_count") + 1)
    return n


def export_paginator(pages):
    paginator = Paginator(Post.objects.order_by("id"), 20)
    return [len(paginator.page(p + 1).object_list) for p in range(pages)]


def export_keyset(pages):
    last, sizes = 0, []
    for _ in range(pages):
        rows = list(Post.objects.filter(id__gt=last).order_by("id")[:20])
        last = rows[-1].id
        sizes.append(len(rows))
    return sizes


def stream_posts(n):
    return sum(1 for _ in Post.objects.order_by("id").values_list("title", flat=True)[:n].iterator(chunk_size=10))


def post_detail(id):
    p = Post.objects.select_related("author").get(id=id)
    return {"title": p.title, "author": p.author.name, "comments": p.comments.count()}


def authors_cached(n):
    cache = {}
    for p in Post.objects.filter(author_id__in=[1, 2, 3]).order_by("id")[:n]:
        if p.author_id not in cache:
            cache[p.author_id] = Author.objects.get(id=p.author_id).name
    return cache


def dashboard():
    return [
        Author.objects.count(),
        Post.objects.count(),
        Comment.objects.count(),
        len(Post.objects.order_by("-id")[:5]),
        len(Author.objects.order_by("name")[:10]),
        len(Comment.objects.order_by("-id")[:10]),
        len(Tag.objects.all()),
        Post.objects.order_by("-view_count").values_list("view_count", flat=True).first(),
        len(Post.objects.values("author_id").annotate(n=Count("id"))[:5]),
    ]


def read_retried(attempts=12):
    """Reads a post while the recorder holds LOCK TABLE on it (lock_timeout is set on the connection)."""
    for attempt in range(attempts):
        try:
            return Post.objects.get(id=1).title
        except OperationalError:
            time.sleep(0.02 * (attempt + 1))
    raise RuntimeError("still locked")


VIEWS = {name: fn for name, fn in globals().items() if callable(fn) and not isinstance(fn, type) and not name.startswith("_") and fn.__module__ == __name__}

"""Settings of the recorded Django blog: PostgreSQL through psycopg 3 (BLOG_DJANGO_PG_URL), DRF, no admin."""

import os
from urllib.parse import urlparse

_db = urlparse(os.environ.get("BLOG_DJANGO_PG_URL", "postgresql://postgres@127.0.0.1:14450/blog_django"))
SECRET_KEY = "corpus-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "django_blog.urls"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "django_blog"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
REST_FRAMEWORK = {"DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"], "UNAUTHENTICATED_USER": None}
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _db.path.lstrip("/"),
        "USER": _db.username,
        "HOST": _db.hostname,
        "PORT": _db.port,
        # a read of a locked table fails after 50 ms (the retry scenario) instead of waiting
        "OPTIONS": {"options": "-c lock_timeout=50"},
    }
}

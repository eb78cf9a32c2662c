"""Every view in views.VIEWS at /<name with dashes>/ (GET and POST), its result as JSON; /_flush/ flushes the
SDK's exporter (excluded from tracing by OTEL_PYTHON_EXCLUDED_URLS): the recorder calls it after each scenario."""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from opentelemetry import trace

from django_blog.views import VIEWS
from query_args import parse


def _serve(fn):
    @csrf_exempt
    def view(request):
        return JsonResponse(fn(**parse(request.GET)), safe=False)

    return view


def flush(request):
    return JsonResponse({"flushed": trace.get_tracer_provider().force_flush()})


urlpatterns = [path(name.replace("_", "-") + "/", _serve(fn), name=name) for name, fn in VIEWS.items()]
urlpatterns.append(path("_flush", flush))

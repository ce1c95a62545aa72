"""The project's URLs and the ceiling view (bench/load/bench_settings.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling/", ceiling),
    path("", include("motcua.config.urls")),
]

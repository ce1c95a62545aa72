"""The production settings plus one URL: ``/bench/ceiling/``, a plain Django view returning a
constant, the ceiling a request can reach through the same gunicorn, middleware and settings.
Used only by bench/load_bench.py (``DJANGO_SETTINGS_MODULE=bench_settings``)."""

from motcua.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"

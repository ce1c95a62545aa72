"""gunicorn settings for Một Cửa (``gunicorn -c deploy/gunicorn.conf.py``).

Every value can be overridden by the environment file (deploy/motcua.env): GUNICORN_BIND,
GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT.
"""

import multiprocessing
import os

wsgi_app = "motcua.config.wsgi:application"
# nginx talks to gunicorn on the loopback only (deploy/nginx-motcua.conf)
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# sync workers: the views are short (database reads and writes); uploads are spooled by nginx
# first, so a slow client never holds a worker. 2 × cores + 1 is gunicorn's own advice.
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # exports of a year's report
graceful_timeout = 30
keepalive = 5
# a worker is recycled after this many requests (guards against slow leaks)
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# the proxy's address is the only one trusted for X-Forwarded-* headers
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
preload_app = True

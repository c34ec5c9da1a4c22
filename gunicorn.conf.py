"""gunicorn settings for the atlas: `gunicorn app:server` picks this file up from the project folder.

The master imports app.py once before it opens the port (``preload_app``): the data is loaded and
Dash is warmed up before any request can arrive, and the workers are forked from that state
(sharing its memory). The export browser and database connections start in each worker: the
browser in the background as soon as the worker runs (``post_worker_init``), never in the master
(its thread would not survive the fork). All per-user state lives in the browser and the URL, so workers (and hosts behind a load
balancer) are interchangeable. Environment: ATLAS_BIND, ATLAS_WORKERS, ATLAS_THREADS.
"""

import multiprocessing
import os

wsgi_app = "app:server"
preload_app = True
bind = os.environ.get("ATLAS_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("ATLAS_WORKERS", min(4, multiprocessing.cpu_count())))
worker_class = "gthread"
threads = int(os.environ.get("ATLAS_THREADS", "4"))
timeout = 120  # a profile PDF may take a few seconds on a busy machine
graceful_timeout = 30
keepalive = 5  # browsers and the load test reuse connections between user actions
limit_request_line = 8190  # long shareable view URLs
limit_request_field_size = 8190
accesslog = "-"


def when_ready(server):
    """A fresh store gets its first account „admin“ here too, as with `atlas serve`
    (ATLAS_ADMIN_PASSWORD or a one-time password printed once; never a prompt)."""
    from atlas.auth.accounts import ensure_first_admin
    from atlas.data import own_store

    ensure_first_admin(own_store(), say=server.log.info)


def post_worker_init(worker):
    """Start this worker's export browser in the background: the worker answers pages at once,
    the first export waits for the browser if it is still starting. A failed start is logged and
    the export tries again (atlas.export.start_engine_in_background). The worker's log says
    when the browser is ready."""
    from atlas.export import start_engine_in_background

    start_engine_in_background(say=worker.log.info)


def worker_exit(server, worker):
    """Close this worker's export browser with the worker (no Chromium left behind)."""
    from atlas.export import stop_engine

    stop_engine()

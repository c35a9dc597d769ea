"""Gunicorn settings for production: `gunicorn newsroom.wsgi -c gunicorn.conf.py`.

Everything tunable comes from the environment, like the Django settings.
"""

import gc
import os

# Loopback only by default: nginx (deploy/nginx.conf) in front is the way in and
# serves /media/ and /static/. BIND names the whole address (0.0.0.0:8000,
# unix:/run/newsroom.sock); otherwise HOST and PORT (what most hosts set).
bind = os.environ.get("BIND") or (
    f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Sync workers are fastest for short CPU-bound requests; put a buffering proxy
# (nginx, a platform router) in front so slow clients cannot hold a worker.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Load Django once in the master: workers fork with the code already imported,
# start faster and share memory pages.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound. Rarely:
# a recycled worker starts cold (new database and cache connections), and at
# 5,000 a busy worker restarted every few seconds, each restart a latency spike.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# Access logs are off unless asked for (ACCESS_LOG=- for stdout); errors go to stderr.
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the proxy in front of us.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """In the master, after the app is loaded and before any worker is forked."""
    from newsroom import warmup  # needs Django set up, which the app load did

    compiled = warmup.warm()
    warmup.freeze_heap()
    server.log.info("Warmed the URL resolver and %d templates", compiled)


def pre_fork(server, worker):
    """A recycled worker forks from the master's current heap: keep it frozen."""
    gc.freeze()

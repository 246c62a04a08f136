"""gunicorn settings for production: gunicorn -c gunicorn.conf.py "app:create_app()"

Every value can be changed from the environment, so one file serves a small council on one
machine and a host running many processes behind a load balancer.
"""
import multiprocessing
import os
import re

from gunicorn import glogging

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # nosec B104 - behind a proxy
# Requests are short and CPU-bound (pages are rendered from content loaded at start-up), so
# about one worker per core plus one to cover waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Heartbeat files on tmpfs: a worker is never killed because a slow disk delayed its heartbeat.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then so that a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Proxy headers are handled by werkzeug's ProxyFix in the app (PROXY_FIX_* settings).
forwarded_allow_ips = "127.0.0.1"

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No client address (personal data), no query string, and the path is redacted below.
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# Emailed links carry their token in the path: /password-reset/, /invitation/ and /unlock/<token>.
_TOKEN_IN_PATH = re.compile(r"(/(?:password-reset|invitation|unlock)/)[^/?]+|/[A-Za-z0-9_.\-]{40,}")


def redact_path(path: str) -> str:
    return _TOKEN_IN_PATH.sub(lambda m: (m.group(1) or "/") + "[redacted]", path)


class RedactingLogger(glogging.Logger):
    """gunicorn's logger, with tokens taken out of the paths it writes to the access log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms["U"])
        atoms["r"] = f"{atoms['m']} {atoms['U']} {atoms['H']}"
        return atoms


logger_class = RedactingLogger

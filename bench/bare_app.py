"""The framework's floor: a bare Flask endpoint that returns the module page's bytes.

Served by the same gunicorn with the same settings as the application, so that
"module page / bare endpoint" measures what the application adds. BENCH_BARE_BODY names the file.
"""
import os

from flask import Flask

app = Flask(__name__)
_BODY = open(os.environ["BENCH_BARE_BODY"], "rb").read() if os.environ.get("BENCH_BARE_BODY") else b"ok"


@app.route("/healthz")
def healthz():
    return "ok"


@app.route("/page")
def page():
    return app.response_class(_BODY, content_type="text/html; charset=utf-8")

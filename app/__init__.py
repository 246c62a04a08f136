"""Corporate parenting training for councillors: the application factory."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, Request
from werkzeug.utils import cached_property

from app import text
from config import INSTANCE_DIR, config_class, public_address

STATIC_BUILD = Path(__file__).resolve().parent / "static" / "dist" / "main.css"


class CleanRequest(Request):
    """Form fields and query strings arrive without control characters (app/text.py)."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form is not None and any(not v.isprintable() for v in form.values() if isinstance(v, str)):
            self.__dict__["form"] = self.parameter_storage_class(text.cleaned(form.items(multi=True)))

    @cached_property
    def args(self):
        args = super().args
        if any(not v.isprintable() for v in args.values()):
            return self.parameter_storage_class(text.cleaned(args.items(multi=True)))
        return args


class NoDatabaseDetail(logging.Filter):
    """Database errors in the log without the values PostgreSQL quotes back (LOW-4); SQLAlchemy's
    own copy of the parameters is switched off with hide_parameters."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = text.scrub_database_detail(logging.Formatter().formatException(record.exc_info))
        return True


def closing_test_client() -> type:
    """A test client that closes each response, as a WSGI server does once it has sent it, so
    work queued for after the response (mail delivery) has run when the test looks."""
    from flask.testing import FlaskClient  # with click.testing and pdb: for tests only

    class ClosingTestClient(FlaskClient):
        def open(self, *args, buffered: bool = True, **kwargs):
            return super().open(*args, buffered=buffered, **kwargs)

    return ClosingTestClient


class Extensions(dict):
    """app.extensions, registering Flask-Migrate when something first asks for it.

    Alembic, with Mako and Pygments, takes 11 MB of a worker that never migrates; flask
    commands and tests register it at start-up, and a script's flask_migrate.upgrade() here.
    """

    def __init__(self, app: Flask):
        super().__init__()
        self.app = app

    def __missing__(self, key: str):
        if key != "migrate":
            raise KeyError(key)
        register_migrations(self.app)
        return self[key]


def register_migrations(app: Flask) -> None:
    from flask_migrate import Migrate

    from app.extensions import db

    Migrate(app, db, directory=str(Path(__file__).parent.parent / "migrations"), render_as_batch=True,
            compare_type=True)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=True)
    app.extensions = Extensions(app)
    app.request_class = CleanRequest
    if test_config is None:
        cls = config_class()
        cls.check()
        app.config.from_object(cls)
    else:
        from config import TestConfig

        app.config.from_object(TestConfig)
        app.config.update(test_config)
        app.test_client_class = closing_test_client()
    # SERVER_NAME and the scheme follow BASE_URL, so links built outside a request agree with it.
    flask_defaults = {"SERVER_NAME": None, "PREFERRED_URL_SCHEME": "http", "APPLICATION_ROOT": "/"}
    for key, value in public_address(app.config.get("BASE_URL")).items():
        if app.config.get(key) == flask_defaults[key]:
            app.config[key] = value
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, NoDatabaseDetail) for f in handler.filters):
            handler.addFilter(NoDatabaseDetail())

    if not app.config["TESTING"] and not STATIC_BUILD.exists():
        raise RuntimeError(
            "The stylesheet app/static/dist/main.css has not been built. Run 'bash scripts/setup' "
            "(it installs govuk-frontend from npm and builds the assets).")

    from app import database, extensions
    from app.content import built_by_flask_command, init_app as init_content

    extensions.db.init_app(app)
    database.init_app(app)
    if app.config["TESTING"] or built_by_flask_command():
        register_migrations(app)  # `flask db` is listed only if registered before it is looked up
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    if not app.config["TESTING"] and not app.config.get("REDIS_URL") and app.config.get("SESSION_COOKIE_SECURE"):
        # The sign-in and reset limits are in the database and hold across processes; only the
        # per-minute limits on top are counted in each process without Redis (LOW-1).
        logging.getLogger(__name__).warning(
            "REDIS_URL is not set: per-minute request limits are counted in each process "
            "(the sign-in and reset limits, kept in the database, still hold across all of them)")

    # Content is validated before anything is served: a bad file stops start-up, naming it.
    init_content(app)

    from app import (auth, certificates, checklists, fragments, govuk, learning, mail, main, officers,
                     quizzes, scenarios, security)

    govuk.init_app(app)
    fragments.init_app(app)
    security.init_app(app)
    from app.template_helpers import init_template_helpers

    init_template_helpers(app)

    from app.urls import external_url

    app.jinja_env.globals["external_url"] = external_url
    auth.init_app(app)
    mail.init_app(app)  # after the template helpers: it says whether mail stays in the outbox
    for area in (main, auth, learning, quizzes, scenarios, checklists, certificates, officers):
        app.register_blueprint(area.bp)

    from app import cli

    cli.init_app(app)
    security.check_limits_on_limited_routes_only(app, extensions.limiter)

    proxies = {key: app.config.get(f"PROXY_FIX_{key.upper()}", 0)
               for key in ("x_for", "x_proto", "x_host", "x_prefix")}
    if any(proxies.values()):
        # Only as many X-Forwarded-* hops as there are proxies are believed: the client address
        # (for sign-in limits) and https (for secure cookies) cannot be forged past them.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, **proxies)
    return app

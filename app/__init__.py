"""Corporate parenting training for councillors: the application factory."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from config import INSTANCE_DIR, config_class

STATIC_BUILD = Path(__file__).resolve().parent / "static" / "dist" / "main.css"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=True)
    if test_config is None:
        cls = config_class()
        cls.check()
        app.config.from_object(cls)
    else:
        from config import TestConfig

        app.config.from_object(TestConfig)
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)

    if not app.config["TESTING"] and not STATIC_BUILD.exists():
        raise RuntimeError(
            "The stylesheet app/static/dist/main.css has not been built. Run 'bash scripts/setup' "
            "(it installs govuk-frontend from npm and builds the assets).")

    from app import database, extensions

    extensions.db.init_app(app)
    database.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(Path(__file__).parent.parent / "migrations"),
                                render_as_batch=True, compare_type=True)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)

    # Content is validated before anything is served: a bad file stops start-up, naming it.
    from app.content import init_app as init_content

    init_content(app)

    from app import (auth, certificates, checklists, govuk, learning, main, officers, quizzes,
                     scenarios, security)

    govuk.init_app(app)
    security.init_app(app)
    from app.template_helpers import init_template_helpers

    init_template_helpers(app)
    auth.init_app(app)
    for area in (main, auth, learning, quizzes, scenarios, checklists, certificates, officers):
        app.register_blueprint(area.bp)

    from app import cli

    cli.init_app(app)

    proxies = {key: app.config.get(f"PROXY_FIX_{key.upper()}", 0)
               for key in ("x_for", "x_proto", "x_host", "x_prefix")}
    if any(proxies.values()):
        # Only as many X-Forwarded-* hops as there are proxies are believed: the client address
        # (for sign-in limits) and https (for secure cookies) cannot be forged past them.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, **proxies)
    return app

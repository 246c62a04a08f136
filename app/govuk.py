"""GOV.UK Design System components from their packages.

The Jinja ports of the components come from ``govuk-frontend-jinja`` (its version matches the
``govuk-frontend`` pinned in package.json, whose CSS and JavaScript we build at set-up) and the
WTForms widgets from ``govuk-frontend-wtf``. Our own templates are searched first, so a page can
still override a component.
"""
from __future__ import annotations

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader


def init_app(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader([
        app.jinja_loader,
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    WTFormsHelpers(app)

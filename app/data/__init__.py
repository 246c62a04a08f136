"""The data layer: every database read and write, one module per area.

Only modules in this package import app.models (the import-linter contract in pyproject.toml
enforces it). Views and services call these functions; templates get plain values from views.
"""

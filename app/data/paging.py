"""Pages of a query with Flask-SQLAlchemy's paginate, a page past the end showing the last one."""
from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from app.extensions import db


def page_of(query: Select[Any], page: int, per_page: int) -> Pagination:
    pagination = db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False, max_per_page=None)
    if pagination.page > 1 and pagination.page > pagination.pages:
        pagination = db.paginate(query, page=max(pagination.pages, 1), per_page=per_page, error_out=False,
                                 max_per_page=None)
    return pagination

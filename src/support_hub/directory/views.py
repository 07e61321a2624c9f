"""Public directory pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template

from support_hub.directory.models import Category, Service, ServiceStatus
from support_hub.extensions import db

bp = Blueprint("directory", __name__)


@bp.get("/")
def index() -> str:
    """Home page: what the directory holds."""
    counts = dict(
        db.session.execute(
            sa.select(Service.category, sa.func.count())
            .where(Service.status == ServiceStatus.ACTIVE)
            .group_by(Service.category)
        ).all()
    )
    return render_template(
        "directory/index.html",
        counts=[(category, counts.get(category, 0)) for category in Category],
        total=sum(counts.values()),
    )

"""Uploaded CSV imports, kept between the dry-run preview and the commit."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from support_hub.db import Base, UTCDateTime, created_at, id_pk, str_enum


class ImportStatus(enum.Enum):
    """PREVIEWED -> COMMITTED (every row applied in one transaction); PREVIEWED -> FAILED (the
    data changed between preview and commit and a row no longer applies; nothing was written)."""

    PREVIEWED = "previewed"
    COMMITTED = "committed"
    FAILED = "failed"


class ListingImport(Base):
    """One uploaded CSV: its text, the preview's counts, and whether it was committed."""

    __tablename__ = "listing_import"

    id: Mapped[id_pk]
    uploaded_by_id: Mapped[str | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    uploaded_by_email: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[created_at]
    filename: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[str] = mapped_column(sa.Text)
    row_count: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[ImportStatus] = mapped_column(
        str_enum(ImportStatus), default=ImportStatus.PREVIEWED
    )
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

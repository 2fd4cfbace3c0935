"""The portal's clock: UTC-aware now, and today as the portal's forms default to it."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """The default date of service; UTC, so the portal and its ground truth agree anywhere."""
    return now().date()

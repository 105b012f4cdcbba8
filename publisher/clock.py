"""The build's clock, in the standard library alone (a no-op build reads it before it imports the wire)."""

from __future__ import annotations

import os
from datetime import datetime, timezone

from publisher.errors import PublisherError


def build_time() -> datetime:
    """The time new versions are stamped with: SOURCE_DATE_EPOCH when set, else the clock, to the second."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return datetime.now(timezone.utc).replace(microsecond=0)
    if not value.isdigit():
        raise PublisherError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC, not '{value}'")
    return datetime.fromtimestamp(int(value), timezone.utc)

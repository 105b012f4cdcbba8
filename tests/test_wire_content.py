"""A wire item's content digest: the sha256 of the JSON text every ledger's digests were made with."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings, strategies as st

from publisher.wire import content

_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_TIMES = st.datetimes(datetime(1800, 1, 1), datetime(2099, 12, 31), timezones=st.sampled_from(
    [timezone.utc, timezone(timedelta(hours=3)), timezone(timedelta(hours=-9, minutes=-30))]))
_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-2**53, 2**53) | _TEXT | _TIMES,
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
                       max_leaves=12)


def json_dumps_digest(data: dict) -> str:
    """How the digests in committed ledgers were made: the oracle."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=lambda value: value.isoformat())
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@settings(max_examples=300, deadline=None)
@given(data=st.dictionaries(_TEXT.filter(lambda key: key != "correction"), _VALUES, max_size=6))
def test_the_digest_is_of_the_text_json_dumps_writes(data):
    assert content.digest(data) == json_dumps_digest(data)

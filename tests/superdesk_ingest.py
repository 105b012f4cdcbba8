"""Read a wire output folder with Superdesk's own NewsML-G2 ingest parsers; print what they kept as JSON.

Run with an interpreter that has superdesk-core (PyPI's 2.5.3 on Python 3.10, as .ci/run installs it, or
its GitHub source):

    $SUPERDESK_PYTHON tests/superdesk_ingest.py output/newsml NOW

For every file, NewsMLTwoFeedParser (file and FTP ingest) and, where the release has it, its dpa subclass; for every
item they return: the fields Superdesk stores, and whether update_ingest's expiry rule
(INGEST_EXPIRY_MINUTES, 2,880 by default, counted from versionCreated at NOW) keeps it.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

FIELDS = ("guid", "uri", "version", "type", "pubstatus", "headline", "slugline", "language", "byline", "urgency",
          "priority", "usageterms", "word_count", "ednote", "signal", "genre", "subject", "authors", "keywords",
          "groups", "body_html", "versioncreated", "firstcreated", "embargoed")


def _app():
    from flask import Flask
    from superdesk.io import iptc, subjectcodes

    app = Flask("wire-check")
    app.config["QCODE_MISSING_VOC"] = "continue"
    app.config["INGEST_EXPIRY_MINUTES"] = 2880
    app.subjects = subjectcodes.SubjectIndex()
    iptc.init_app(app)  # IPTC Subject Code names, which Superdesk gives subj: subjects
    return app


def _dpa() -> list:
    """dpa's subclass of the parser, in the releases that have it (PyPI's 2.5.3 does not)."""
    try:
        from superdesk.io.feed_parsers.dpa_newsml import DPAFeedParser
    except ImportError:
        return []
    return [("dpa", DPAFeedParser())]


def read(folder: Path, now: datetime) -> dict:
    from lxml import etree
    from superdesk.io.commands.update_ingest import is_not_expired
    from superdesk.io.feed_parsers.newsml_2_0 import NewsMLTwoFeedParser
    import superdesk.io.commands.update_ingest as ingest

    ingest.utcnow = lambda: now  # the expiry rule, at the time the test says
    result = {}
    with _app().app_context():
        for name, parser in (("newsml2", NewsMLTwoFeedParser()), *_dpa()):
            for path in sorted(folder.rglob("*.xml")):
                xml = etree.parse(str(path)).getroot()
                items = parser.parse(xml) if parser.can_parse(xml) else None
                result.setdefault(name, {})[path.relative_to(folder).as_posix()] = [
                    {**{k: item[k] for k in FIELDS if k in item},
                     "kept": is_not_expired(item, timedelta(minutes=2880))} for item in items or ()]
    return result


if __name__ == "__main__":
    print(json.dumps(read(Path(sys.argv[1]), datetime.fromisoformat(sys.argv[2])), ensure_ascii=False,
                     default=str))

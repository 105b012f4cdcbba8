"""The wire: what syndication partners' systems ingest. NewsML-G2 items, packages and feeds built
as trees (tree.py) from the stories' editorial content (content.py, body.py, codes.py), versioned
by the committed ledger (ledger.py) through the rules of a news day (newsday.py), and checked
against IPTC's schema before anything is written (schema.py), each with its ninjs twin (ninjs.py).
Every version sent goes into the outbox once (outbox.py), with static listings partners pull
(pull.py); feed.xml and each partner's newsMessages follow its profile (messages.py).

What the rest of the toolkit may use:
"""

from publisher.wire.exporter import EXPORTER
from publisher.wire.messages import FEED
from publisher.wire.ledger import LEDGER_DIR, ledger_path
from publisher.wire.newsday import check_sent_stories, committed_ledgers, gated, hold, outbox_last
from publisher.wire.outbox import FOLDER as OUTBOX, write_once
from publisher.wire.schema import NAR, problems, root_namespace

__all__ = ["EXPORTER", "FEED", "LEDGER_DIR", "NAR", "OUTBOX", "check_sent_stories", "committed_ledgers", "gated",
           "hold", "ledger_path", "outbox_last", "problems", "root_namespace", "write_once"]

"""newsMessages: the latest snapshot of what the newest stories send, for everyone and for each partner.

    newsml/feed.xml                      every story in one message, every language, sent by the provider
    newsml/partners/<name>/feed.xml      a partner whose profile is newsml and whose message is "all-stories"
    newsml/partners/<name>/<slug>.xml    one story (its items in the partner's languages, and its package)
                                         per message: message = "one-story", as dpa, ANSA and APA send

A partner's header carries `sent` (the latest versionCreated among the message's items), `sender`,
`transmitId`, `priority`, `destination` and `channel` as `[tool.publisher.partners.<name>]` says.
The same items sent at the same time make the same transmitId; anything else makes another. A
partner with the ninjs profile takes the outbox's .json twins and gets no newsMessage.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from publisher.config import Config, Partner
from publisher.wire.schema import parser
from publisher.wire.tree import news_message, serialize

FEED = "newsml/feed.xml"
PARTNERS = "newsml/partners"


@dataclass(frozen=True)
class Carried:
    """An item or package a message carries: its latest version, as written."""

    guid: str
    version: int
    language: str  # a text item's language; empty for a package
    data: bytes
    created: datetime  # its versionCreated


@dataclass(frozen=True)
class Story:
    """What one story sends in this build: its items, then its package."""

    slug: str
    urgency: int
    documents: tuple[Carried, ...]


def feed(stories: list[Story], config: Config) -> dict[str, bytes]:
    """Each newsml partner's messages, then feed.xml (the build moves it into place last);
    nothing where no story sends anything."""
    found = {}
    for name, partner in sorted(config.partners.items()):
        if partner.profile != "newsml":
            continue
        partner = partner if partner.sender else _with_sender(partner, config.provider_domain or config.provider)
        if partner.message == "one-story":
            for story in stories:
                found |= _messages(f"{PARTNERS}/{name}/{story.slug}.xml", name, partner, [story])
        else:
            found |= _messages(f"{PARTNERS}/{name}/feed.xml", name, partner, stories)
    return found | _messages(FEED, "", Partner(sender=config.provider), stories)


def _with_sender(partner: Partner, sender: str) -> Partner:
    return Partner(**{**partner.__dict__, "sender": sender})


def _messages(path: str, name: str, partner: Partner, stories: list[Story]) -> dict[str, bytes]:
    chosen = [(story, [d for d in story.documents if _takes(partner, d)]) for story in stories]
    chosen = [(story, sent) for story, sent in chosen if any(d.language for d in sent)]  # no items: no story
    if not chosen:
        return {}
    documents = [d for _, sent in chosen for d in sent]
    sent = max(d.created for d in documents)
    priority = partner.priority or min(story.urgency for story, _ in chosen)
    trees = [etree.fromstring(d.data, parser()) for d in documents]
    message = news_message(trees, sent, partner.sender, _transmit_id(name, sent, documents), priority,
                           partner.destination, partner.channels)
    return {path: serialize(message)}


def _takes(partner: Partner, document: Carried) -> bool:
    """A partner takes its languages' items, and the package of a story it takes."""
    return not document.language or not partner.languages or document.language in partner.languages


def _transmit_id(name: str, sent, documents: list[Carried]) -> str:
    lines = ([name] if name else []) + [sent.isoformat()] + [f"{d.guid} {d.version}" for d in documents]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:20]

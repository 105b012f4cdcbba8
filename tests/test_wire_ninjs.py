"""A ninjs twin's body paragraphs: the HTML lxml writes for each, made without an element per paragraph."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
from lxml import etree

from publisher.wire import ninjs

# Every character an XML text node may hold (lxml refuses the others), the escaped ones often.
_XML_TEXT = st.text(st.sampled_from("&<>\r\n\t\"' a\u00a0ы") | st.characters(
    blacklist_categories=("Cs",), blacklist_characters="".join(map(chr, (*range(9), 11, 12, *range(14, 32),
                                                                           0xFFFE, 0xFFFF)))), max_size=30)


@settings(max_examples=1000, deadline=None)
@given(tag=st.sampled_from(["p", "h2", "h6"]), text=_XML_TEXT)
def test_a_paragraph_is_what_lxml_writes_as_html(tag, text):
    element = etree.Element(tag)
    element.text = text
    assert ninjs._html(tag, text) == etree.tostring(element, method="html", encoding="unicode")

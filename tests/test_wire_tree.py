"""The wire's items are written as lxml writes the same element tree with pretty_print, byte for byte."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
from lxml import etree

from publisher.wire.schema import NAR, XHTML
from publisher.wire.tree import XML_LANG, Node, serialize

# Every character an XML document may hold (lxml refuses the others), the escaped ones often.
_TEXT = st.text(st.sampled_from("&<>\"'\r\n\t a\u00a0ы") | st.characters(
    blacklist_categories=("Cs",), blacklist_characters="".join(map(chr, (*range(9), 11, 12, *range(14, 32),
                                                                           0xFFFE, 0xFFFF)))), max_size=12)
_ATTRIBUTES = st.dictionaries(st.sampled_from(["qcode", "role", "guid", XML_LANG, "lang"]), _TEXT, max_size=3)
_TREES = st.recursive(
    st.tuples(st.sampled_from(["a", "name", "p"]), _ATTRIBUTES, st.none() | _TEXT, st.just(()), st.booleans()),
    lambda children: st.tuples(st.sampled_from(["b", "itemMeta", "html"]), _ATTRIBUTES, st.none() | _TEXT,
                               st.lists(children, max_size=4).map(tuple), st.booleans()),
    max_leaves=15)


def as_node(tree, namespace: str | None = None) -> Node:
    """The tree as Nodes: the root in NewsML-G2's namespace, a subtree marked xhtml in XHTML's."""
    tag, attributes, text, children, xhtml = tree
    declared = NAR if namespace is None else XHTML if xhtml and namespace != XHTML else None
    node = Node(tag, dict(attributes), declared)
    node.text = text
    for child in children:
        node.append(as_node(child, declared or namespace))
    return node


def as_lxml(tree, parent=None, namespace: str = NAR):
    """The same tree built with lxml: the oracle."""
    tag, attributes, text, children, xhtml = tree
    if parent is None:
        element = etree.Element(f"{{{NAR}}}{tag}", nsmap={None: NAR})
    elif xhtml:
        namespace = XHTML
        element = etree.SubElement(parent, f"{{{XHTML}}}{tag}", nsmap={None: XHTML})
    else:
        element = etree.SubElement(parent, f"{{{namespace}}}{tag}")
    for name, value in attributes.items():
        element.set(name, value)
    element.text = text
    for child in children:
        as_lxml(child, element, namespace)
    return element


@settings(max_examples=300, deadline=None)
@given(tree=_TREES)
def test_an_item_is_written_as_lxml_writes_it(tree):
    expected = etree.tostring(as_lxml(tree), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    assert serialize(as_node(tree)) == expected

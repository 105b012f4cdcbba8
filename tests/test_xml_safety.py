"""XML the toolkit reads is parsed without network access, DTD loading or entity expansion:
no XXE, no billion laughs, whatever file `publish validate` is pointed at."""

from __future__ import annotations

import ast
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from publisher.wire import NAR
from tests.helpers import ROOT

PARSING_FUNCTIONS = {"parse", "fromstring", "XML", "iterparse", "XMLID", "fromstringlist"}
SECRET = "TOP-SECRET-7f3a"


def _etree_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Name) and node.func.value.id == "etree":
            yield node


def test_every_xml_parse_in_the_package_is_given_a_safe_parser():
    unsafe = []
    for path in sorted((ROOT / "publisher").rglob("*.py")):
        for call in _etree_calls(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            keywords = {k.arg: k.value for k in call.keywords}
            if call.func.attr in PARSING_FUNCTIONS and len(call.args) < 2 and "parser" not in keywords:
                unsafe.append(f"{where}: etree.{call.func.attr} with lxml's default parser")
            if call.func.attr == "XMLParser":
                settings = {name: ast.literal_eval(value) for name, value in keywords.items()}
                if settings.get("resolve_entities", True) or not settings.get("no_network", True) or \
                        settings.get("load_dtd") or settings.get("huge_tree"):
                    unsafe.append(f"{where}: XMLParser({settings}) may expand entities or fetch")
    assert unsafe == []


def publish(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publisher", *args], capture_output=True, text=True, timeout=120)


def _item(doctype: str, body: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n'
            f'<newsItem xmlns="{NAR}" standard="NewsML-G2" standardversion="2.35" guid="x" version="1">'
            f"{body}</newsItem>\n")


def test_an_external_entity_is_neither_read_nor_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    item = tmp_path / "item.xml"
    item.write_text(_item(f'<!DOCTYPE newsItem [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>', "&xxe;"), "utf-8")
    result = publish("validate", str(item))
    assert result.returncode == 1
    assert f"{item}:3: entity reference &xxe; is not allowed in NewsML-G2" in result.stdout
    assert SECRET not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_a_billion_laughs_is_refused_at_once(tmp_path):
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    item = tmp_path / "item.xml"
    item.write_text(_item("<!DOCTYPE newsItem [\n" + "\n".join(levels) + "\n]>", "&lol9;"), encoding="utf-8")
    started = time.monotonic()
    result = publish("validate", str(item))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "lollol" not in result.stdout
    assert time.monotonic() - started < 60  # an expansion would take minutes and gigabytes


@pytest.fixture
def listener():
    """A local HTTP server that records every request: nothing may ever reach it."""
    requests: list[str] = []

    class Record(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "leaked">')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()
    thread.join()


def test_nothing_is_fetched_from_the_network(tmp_path, listener):
    url, requests = listener
    documents = {
        "dtd.xml": _item(f'<!DOCTYPE newsItem SYSTEM "{url}/item.dtd">'),
        "parameter-entity.xml": _item(f'<!DOCTYPE newsItem [<!ENTITY % remote SYSTEM "{url}/p.dtd"> %remote;]>'),
        "entity.xml": _item(f'<!DOCTYPE newsItem [<!ENTITY net SYSTEM "{url}/e.xml">]>', "&net;"),
        "xinclude.xml": _item("", f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/x.xml"/>'),
        "schema-location.xml": _item("").replace(
            "<newsItem ", f'<newsItem xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                          f'xsi:schemaLocation="{NAR} {url}/schema.xsd" ', 1),
    }
    for name, text in documents.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = publish("validate", *(str(tmp_path / name) for name in documents))
    assert "Traceback" not in result.stderr
    assert "leaked" not in result.stdout
    assert requests == []

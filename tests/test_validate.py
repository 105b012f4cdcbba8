"""`publish validate`: the schema's and the validators' messages, with line numbers and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lxml import etree

from publisher.build import build
from publisher.config import load_config
from tests.helpers import make_project
from tests.validators import epubcheck_jar, vnu_jar

NAR = "{http://iptc.org/std/nar/2006-10-01/}"


def publish(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publisher", *args], capture_output=True, text=True, env=env)


def built_item(root: Path) -> Path:
    """The English item of a fixture project (the source language needs no translation)."""
    make_project(root)
    build(load_config(root), formats=("newsml",), languages=("en",))
    return root / "output" / "newsml" / "en" / "test-story.xml"


def test_a_valid_item_passes(tmp_path):
    path = built_item(tmp_path)
    result = publish("validate", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 checked, 0 with errors, 0 not checked" in result.stdout


def test_the_schema_messages_carry_path_and_line(tmp_path):
    path = built_item(tmp_path)
    tree = etree.parse(str(path))
    item_class = tree.find(f"{NAR}itemMeta/{NAR}itemClass")
    line = item_class.sourceline
    item_class.getparent().remove(item_class)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    result = publish("validate", str(path))
    assert result.returncode == 1
    assert f"{path}:{line}: Element '{NAR}provider': This element is not expected" in result.stdout


def test_a_folder_is_searched_and_other_xml_left_alone(tmp_path):
    path = built_item(tmp_path)
    (path.parent / "sitemap.xml").write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>')
    (path.parent / "broken.xml").write_text("<newsItem")
    result = publish("validate", "-C", str(tmp_path))  # the project's output folder
    assert result.returncode == 1
    assert f"{path.parent / 'broken.xml'}:1: not well-formed XML" in result.stdout
    assert "sitemap.xml" not in result.stdout
    # the item, the package, the feed, the same item and package in the outbox, the broken file
    assert "6 checked, 1 with errors" in result.stdout


def test_a_missing_validator_is_named(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html lang=en><title>x</title></html>")
    env = {**os.environ, "PATH": str(tmp_path)}  # no java on this PATH
    result = publish("validate", str(page), env=env)
    assert result.returncode == 2
    assert f"{page}: not checked: Java is not installed" in result.stderr


def test_html_goes_to_the_nu_checker(tmp_path):
    vnu_jar()
    page = tmp_path / "page.html"
    page.write_text('<!DOCTYPE html>\n<html lang="en"><head><title>x</title></head>\n<body><p><div>x</div></p>'
                    "</body></html>\n")
    result = publish("validate", str(page))
    assert result.returncode == 1
    assert f"{page}:3: No “p” element in scope" in result.stdout


def test_xhtml_goes_to_epubcheck(tmp_path):
    epubcheck_jar()
    doc = tmp_path / "doc.xhtml"
    doc.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
                   "<head><title>x</title></head>\n<body><p><div>x</div></p></body></html>\n")
    result = publish("validate", str(doc))
    assert result.returncode == 1
    assert f"{doc}:3: ERROR RSC-005:" in result.stdout

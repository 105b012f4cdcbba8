"""Pictures: the source syntax, their texts as translatable units, Pillow's renditions, the HTML
figure, JSON-LD and Open Graph, the EPUB cover and body images (EPUBCheck and Ace), and every
kind of bad picture refused with a precise message and nothing written."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import lxml.html
import polib
import pytest
from lxml import etree
from PIL import Image

from publisher import po
from publisher.build import build
from publisher.config import load_config
from publisher.exporters import xhtml_tree
from publisher.localize import localize
from publisher.model import Picture
from publisher.project import load_articles
from publisher.pictures.files import inspect
from publisher.pictures.renditions import renditions
from tests.helpers import ROOT, make_project, po_path, run_update, translate, write_article
from tests.validators import ace, chromium_binary, epubcheck_jar, java, vnu_jar

BASE = "https://news.example/"
BODY = """\
Kazakhstan and Belarus are key partners. The projects are worth more than $200 million.

![](forest.png)

A referendum is scheduled for 6 October 2024.
"""
PICTURES = """\
picture:
  file: roundtable.jpg
  alt: Timur Zhaxylykov speaks at a round table in Minsk
  caption: The ambassador at the round table.
  credit: BelTA / Ivan Ivanov
  copyright: (c) BelTA 2024
pictures:
  - file: forest.png
    alt: A pine forest in the Minsk region
    caption: Forests cover 40 percent of Belarus.
    credit: BelTA
"""
RU = {"Timur Zhaxylykov speaks at a round table in Minsk": "Тимур Жаксылыков выступает на круглом столе в Минске",
      "The ambassador at the round table.": "Посол на круглом столе.",
      "BelTA / Ivan Ivanov": "БЕЛТА / Иван Иванов", "BelTA": "БЕЛТА",
      "A pine forest in the Minsk region": "Сосновый лес в Минской области",
      "Forests cover 40 percent of Belarus.": "Леса занимают 40 процентов территории Беларуси."}
SM_DIR = "test-story"
XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
ORIENTATION, MAKE, GPS = 0x0112, 0x010F, 0x8825


def photo(path: Path, size=(2000, 1200), orientation: int | None = None) -> Path:
    """A camera-like JPEG: stripes (so resizing has work to do), a maker, a GPS position, maybe a rotation."""
    image = Image.new("RGB", size, (210, 215, 220))
    for x in range(0, size[0], 80):
        image.paste((30, 80, 150), (x, 0, x + 40, size[1]))
    exif = Image.Exif()
    exif[MAKE] = "Camera Maker"
    exif[GPS] = {1: "N", 2: (53.0, 54.0, 0.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    image.save(path, "JPEG", quality=90, exif=exif.tobytes())
    return path


def add_pictures(root: Path, front: str = PICTURES) -> Path:
    folder = root / "source" / SM_DIR
    folder.mkdir(exist_ok=True)
    photo(folder / "roundtable.jpg", orientation=6)  # taken upright: 2000×1200 stored, 1200×2000 shown
    forest = Image.new("RGBA", (1200, 900), (20, 120, 40, 255))
    forest.paste((0, 0, 0, 0), (0, 0, 300, 900))  # a transparent band
    forest.save(folder / "forest.png")
    story = root / "source" / "test-story.md"
    story.write_text(story.read_text().replace("keywords:", front + "keywords:", 1))
    return folder


def pictured(root: Path, front: str = PICTURES, body: str = BODY, extra_settings: str = "",
             update: bool = True) -> Path:
    """A project whose test story has a lead picture and one in its body; catalogues updated."""
    make_project(root, extra_settings=extra_settings)
    write_article(root, "test-story", body=body)
    folder = add_pictures(root, front)
    if update:
        run_update(root)
    return folder


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pictures")
    pictured(root, extra_settings=f'base_url = "{BASE}"')
    translate(root, "ru", RU, default="RU {msgid}")
    kk = {**RU, "Timur Zhaxylykov speaks at a round table in Minsk": ""}  # the alt text falls back
    translate(root, "kk", kk, default="ҚК {msgid}")
    return root


@pytest.fixture(scope="module")
def out(project) -> Path:
    build(load_config(project))
    return project / "output"


def page(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


# --- The source: units with their own msgctxt --------------------------------------------------------


def test_alt_caption_and_credit_reach_translators_with_their_own_context(project):
    entries = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(project / "locales/templates/test-story.pot"))}
    for context, text, file in (("picture.alt", "Timur Zhaxylykov speaks at a round table in Minsk", "roundtable.jpg"),
                                ("picture.caption", "The ambassador at the round table.", "roundtable.jpg"),
                                ("picture.credit", "BelTA / Ivan Ivanov", "roundtable.jpg"),
                                ("picture.alt", "A pine forest in the Minsk region", "forest.png"),
                                ("picture.credit", "BelTA", "forest.png")):
        assert file in entries[(context, text)].comment
    assert (None, "BelTA") not in entries, "a credit is not body text"
    ru = polib.pofile(str(po_path(project, "ru")))
    assert ru.find("BelTA / Ivan Ivanov", msgctxt="picture.credit").msgstr == "БЕЛТА / Иван Иванов"


def test_the_article_carries_its_pictures_for_every_output(project):
    from publisher.source import read_article

    article = read_article(project / "source" / "test-story.md", "source/test-story.md")
    lead = article.picture
    assert (lead.file, lead.width, lead.height, lead.media_type) == ("roundtable.jpg", 1200, 2000, "image/jpeg")
    assert (lead.credit, lead.copyright) == ("BelTA / Ivan Ivanov", "(c) BelTA 2024")
    assert [p.file for p in article.pictures] == ["forest.png"]
    assert [b.kind for b in article.blocks] == ["paragraph", "figure", "paragraph"]
    assert re.fullmatch(r"[0-9a-f]{64}", lead.digest)


# --- Renditions --------------------------------------------------------------------------------------


def test_renditions_are_upright_sized_for_srcset_in_webp_and_jpeg(out):
    folder = out / "html" / "pictures" / "test-story"
    made = {}
    for path in sorted(folder.iterdir()):
        with Image.open(path) as image:
            made[path.name] = (image.format, image.size)
    lead = {n: v for n, v in made.items() if n.startswith("roundtable-")}
    assert sorted(v for v in lead.values()) == sorted(
        (fmt, size) for fmt in ("JPEG", "WEBP") for size in ((480, 800), (960, 1600), (1200, 2000)))
    forest = {v for n, v in made.items() if n.startswith("forest-")}
    assert forest == {(fmt, size) for fmt in ("JPEG", "WEBP") for size in ((480, 360), (960, 720), (1200, 900))}


def test_only_the_credit_and_the_copyright_survive(out):
    for path in (out / "html" / "pictures" / "test-story").glob("roundtable-*"):
        with Image.open(path) as image:
            exif = dict(image.getexif())
            xmp = image.info.get("xmp", b"")
        assert exif == {0x013B: "BelTA / Ivan Ivanov", 0x8298: "(c) BelTA 2024"}, (path.name, exif)
        assert b"Camera Maker" not in path.read_bytes() and ORIENTATION not in exif
        credit = etree.fromstring(xmp.split(b"?>", 1)[1].rsplit(b"<?", 1)[0]).find(
            ".//{http://ns.adobe.com/photoshop/1.0/}Credit")
        assert credit.text == "BelTA / Ivan Ivanov"


def test_a_credit_in_cyrillic_is_kept_whole_in_xmp(tmp_path):
    path = photo(tmp_path / "p.jpg", size=(800, 600))
    found = inspect(path)
    picture = Picture("p.jpg", str(path), "alt", None, "БЕЛТА / Иван Иванов", "© БЕЛТА", found.width, found.height,
                      found.digest, found.media_type)
    for rendition in renditions(picture):
        with Image.open(BytesIO(rendition.data)) as image:
            assert "БЕЛТА / Иван Иванов".encode() in image.info["xmp"]
            assert 0x013B not in image.getexif(), "EXIF text is ASCII: no mangled credit"


def test_a_small_picture_is_never_enlarged_and_transparency_meets_white_in_jpeg(out, tmp_path):
    path = tmp_path / "small.png"
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(path)
    found = inspect(path)
    made = renditions(Picture("small.png", str(path), "alt", None, None, None, 300, 200, found.digest, "image/png"))
    assert [(r.width, r.media_type) for r in made] == [(300, "image/webp"), (300, "image/jpeg")]
    with Image.open(BytesIO(made[1].data)) as jpeg, Image.open(BytesIO(made[0].data)) as webp:
        assert jpeg.getpixel((10, 10)) == (255, 255, 255) and webp.mode == "RGBA"


def test_the_same_picture_gives_the_same_bytes(project, out, tmp_path):
    again = tmp_path / "again"
    build(replace_output(project, again), ("html",))
    first = out / "html" / "pictures" / "test-story"
    assert {p.name: p.read_bytes() for p in first.iterdir()} == {
        p.name: p.read_bytes() for p in (again / "html" / "pictures" / "test-story").iterdir()}


def replace_output(root: Path, folder: Path):
    from dataclasses import replace

    return replace(load_config(root), output_dir=str(folder))


# --- HTML ---------------------------------------------------------------------------------------------


def test_the_page_shows_figures_with_size_srcset_and_lazy_loading_below_the_lead(out):
    html = out / "html"
    doc = page(html / "ru" / "test-story.html")
    lead, body = doc.xpath("//figure")
    lead_img, body_img = lead.find(".//img"), body.find(".//img")
    assert lead.get("class") == "lead" and lead_img.get("loading") is None, "the lead picture loads at once"
    assert body_img.get("loading") == "lazy"
    assert (lead_img.get("width"), lead_img.get("height")) == ("1200", "2000")
    assert lead_img.get("alt") == "Тимур Жаксылыков выступает на круглом столе в Минске"
    assert lead.find("figcaption").text_content() == "Посол на круглом столе. БЕЛТА / Иван Иванов"
    for figure, img in ((lead, lead_img), (body, body_img)):
        source = figure.find(".//source")
        assert source.get("type") == "image/webp"
        for srcset in (img.get("srcset"), source.get("srcset")):
            for candidate in srcset.split(", "):
                href, width = candidate.split(" ")
                with Image.open(html / "ru" / href) as image:
                    assert f"{image.width}w" == width
        assert (html / "ru" / img.get("src")).is_file()
    kk = page(html / "kk" / "test-story.html").xpath("//figure//img")[0]
    assert (kk.get("alt"), kk.get("lang")) == ("Timur Zhaxylykov speaks at a round table in Minsk", "en")


EVERY_KIND = """\
# A first-level heading

Kazakhstan and Belarus are key partners. The projects are worth more than $200 million.

![](forest.png)

> A quoted paragraph. *Another* sentence.
>
> - a listed quotation

1. first
2. second

- a loose item

  with a second paragraph
- nested:
  - [inner](https://www.belta.by/)

###### A sixth-level heading

A referendum is scheduled for 6 October 2024.
"""


def recursive_macros() -> str:
    """The theme's macros.html with its former blocks macro, which rendered each block by a macro call."""
    theme = (ROOT / "publisher" / "templates" / "macros.html").read_text(encoding="utf-8")
    former = (ROOT / "tests" / "data" / "recursive-blocks-macro.html").read_text(encoding="utf-8")
    return theme[: theme.index("{# The body's blocks")] + former


def test_the_body_is_laid_out_as_the_themes_recursive_macro_laid_it_out(tmp_path):
    # The theme's blocks macro hands the body to Python; a project's own macros.html (here the
    # theme's former one, a macro call per block) is still what its pages are made with.
    pages = {}
    for name, settings in (("theme", ""), ("project", 'templates_dir = "theme"')):
        root = tmp_path / name
        pictured(root, body=EVERY_KIND, extra_settings=settings)
        translate(root, "ru", RU, default="RU {msgid}")
        translate(root, "be", RU, default="BE {msgid}")
        translate(root, "kk", {**RU, "first": ""}, default="ҚК {msgid}")
        if settings:
            (root / "theme").mkdir()
            (root / "theme" / "macros.html").write_text(recursive_macros(), encoding="utf-8")
        build(load_config(root), ("html",))
        pages[name] = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "output" / "html").glob("*/test-story.html")}
    assert len(pages["theme"]) == 4 and pages["theme"] == pages["project"]
    doc = lxml.html.fromstring(pages["theme"]["output/html/kk/test-story.html"])
    assert [h.tag for h in doc.xpath("//main//*[self::h2 or self::h6]")] == ["h2", "h6"]
    assert doc.xpath("//blockquote/ul/li")[0].text_content() == "ҚК a listed quotation"
    assert doc.xpath("//ol/li[1]/span/@lang") == ["en"], "an untranslated item falls back to English"
    assert doc.xpath("//main//ul/li/ul/li/a/@href") == ["https://www.belta.by/"]
    assert len(doc.xpath("//main/article/figure")) == 2


def test_json_ld_and_open_graph_name_the_lead_picture(out):
    doc = page(out / "html" / "ru" / "test-story.html")
    data = json.loads(doc.xpath('//script[@type="application/ld+json"]')[0].text)
    (image,) = data["image"]
    assert image["url"].startswith(f"{BASE}pictures/test-story/roundtable-") and image["url"].endswith("-1200.jpg")
    assert (image["width"], image["height"], image["creditText"], image["copyrightNotice"]) == (
        1200, 2000, "БЕЛТА / Иван Иванов", "(c) BelTA 2024")
    og = {m.get("property"): m.get("content") for m in doc.xpath("//meta[starts-with(@property, 'og:image')]")}
    assert og == {"og:image": image["url"], "og:image:type": "image/jpeg", "og:image:width": "1200",
                  "og:image:height": "2000", "og:image:alt": "Тимур Жаксылыков выступает на круглом столе в Минске"}


def test_pages_with_pictures_pass_the_nu_checker(out):
    jar = vnu_jar()
    pages = sorted((out / "html").rglob("*.html"))
    result = subprocess.run([java(), "-jar", str(jar), "--errors-only", "--format", "json", *map(str, pages)],
                            capture_output=True, text=True)
    assert json.loads(result.stderr)["messages"] == []


# --- EPUB and XHTML ---------------------------------------------------------------------------------------


def test_the_lead_picture_is_the_books_cover_and_body_pictures_are_in_it(out):
    path = out / "epub" / "ru" / "test-story.epub"
    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        package = etree.fromstring(book.read("EPUB/package.opf"))
        cover_page = etree.fromstring(book.read("EPUB/cover.xhtml"))
        chapter = etree.fromstring(book.read("EPUB/text/test-story.xhtml"))
    assert "EPUB/cover.svg" not in names, "no generated cover where there is a picture"
    (cover,) = package.findall(f".//{OPF}item[@properties='cover-image']")
    assert re.fullmatch(r"images/roundtable-[0-9a-f]{8}-1200\.jpg", cover.get("href"))
    img = cover_page.find(f".//{XHTML}img")
    assert (img.get("src"), img.get("alt")) == (cover.get("href"), RU["Timur Zhaxylykov speaks at a round table in "
                                                                        "Minsk"])
    sources = [i.get("src") for i in chapter.iter(f"{XHTML}img")]
    assert len(sources) == 2 and all(f"EPUB/text/{s}".replace("text/../", "") in names for s in sources)
    assert ["".join(c.itertext()) for c in chapter.iter(f"{XHTML}figcaption")] == [
        "Посол на круглом столе. БЕЛТА / Иван Иванов", "Леса занимают 40 процентов территории Беларуси. БЕЛТА"]


def test_the_standalone_xhtml_finds_its_pictures(out):
    document = etree.parse(str(out / "xhtml" / "kk" / "test-story.xhtml")).getroot()
    for img in document.iter(f"{XHTML}img"):
        assert (out / "xhtml" / "kk" / img.get("src")).is_file()


def test_the_chapter_and_the_standalone_document_are_those_each_format_makes_alone(project, out, tmp_path):
    """The second of the two documents made from a version reuses the first's tree (xhtml_tree):
    its stylesheet link and its pictures' places are its own, as when it is built alone."""
    for fmt in ("epub", "xhtml"):
        root = tmp_path / fmt
        shutil.copytree(project, root, ignore=shutil.ignore_patterns("output"))
        build(load_config(root), formats=(fmt,), jobs=1)
        made = {p.relative_to(root / "output"): p.read_bytes() for p in (root / "output" / fmt).rglob("*")
                if p.is_file()}
        assert made and made == {path: (out / path).read_bytes() for path in made}


def test_a_reused_tree_takes_or_drops_the_stylesheet_and_moves_its_pictures_in_either_order(project):
    config = load_config(project)
    article = next(a for a in load_articles(config) if a.slug == "test-story")
    version = localize(article, po.read_translations(po.catalog_path(config.locales_path, "kk", article.slug)),
                       "kk", config.babel_locale("kk"), config.segmentation, ("en", "kk"))
    narrowed = replace(version, languages=("kk",))  # another format's gate: the same document
    standalone = (None, lambda picture: ("../pictures/b.jpg", 5, 4))
    chapter = ("../epub.css", lambda picture: ("../images/a.jpg", 3, 2))

    def alone(variant) -> bytes:
        xhtml_tree._trees.clear()
        return xhtml_tree.content_document(version, config, *variant)

    for first, second in ((standalone, chapter), (chapter, standalone)):
        made = alone(first), xhtml_tree.content_document(narrowed, config, *second)
        assert made == (alone(first), alone(second))
    chapter_bytes = alone(chapter)
    assert b'href="../epub.css"' in chapter_bytes and chapter_bytes.count(b'<img src="../images/a.jpg"') == 2


def test_books_with_pictures_pass_epubcheck_and_ace(out, tmp_path):
    jar = epubcheck_jar()
    tool = ace()
    for path in (out / "epub" / "ru" / "test-story.epub", out / "epub" / "kk" / "edition.epub"):
        result = subprocess.run([java(), "-XX:TieredStopAtLevel=1", "-jar", str(jar), "--json", "-", str(path)],
                                capture_output=True, text=True, timeout=300)
        report = json.loads(result.stdout)
        assert [m["message"] for m in report["messages"]] == [], path
        folder = tmp_path / path.parent.name
        subprocess.run([str(tool), "--force", "--silent", "--outdir", str(folder), str(path)], check=True,
                       env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium_binary()}, capture_output=True,
                       timeout=300)
        ace_report = json.loads((folder / "report.json").read_text())
        assert ace_report["earl:result"]["earl:outcome"] == "pass", json.dumps(ace_report["assertions"])[:2000]


# --- Rebuilds ------------------------------------------------------------------------------------------------


def test_a_replaced_picture_rebuilds_its_article_under_new_names(tmp_path):
    root = tmp_path
    folder = pictured(root)
    config = load_config(root)
    build(config)
    before = sorted(p.name for p in (root / "output/html/pictures/test-story").iterdir())
    photo(folder / "roundtable.jpg", size=(1000, 700))
    report = build(config)
    assert report.rebuilt == ["test-story"]
    after = sorted(p.name for p in (root / "output/html/pictures/test-story").iterdir())
    assert {n for n in after if n.startswith("forest")} == {n for n in before if n.startswith("forest")}
    assert not {n for n in after if n.startswith("roundtable")} & set(before), "the old renditions are gone"
    assert build(config).rebuilt == []


# --- Bad pictures ------------------------------------------------------------------------------------------


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge picture: a decompression bomb's first bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def huge_but_small(path: Path) -> None:
    Image.new("1", (9000, 7000)).save(path.with_suffix(".png"))
    path.with_suffix(".png").replace(path)


BAD = {
    "not an image": (lambda p: p.write_text("<html>not a picture</html>"), "file",
                     "picture source/test-story/roundtable.jpg is not a picture (JPEG, PNG or WebP); export it in "
                     "one of those formats"),
    "truncated": (truncate, "file", "picture source/test-story/roundtable.jpg cannot be decoded (the file is "
                                    "truncated); export it again"),
    "a decompression bomb": (lambda p: p.write_bytes(png_header(50_000, 50_000)), "file",
                             "picture source/test-story/roundtable.jpg is larger than 60 megapixels; resize it first"),
    "enormous": (huge_but_small, "file", "picture source/test-story/roundtable.jpg is 9000×7000 pixels, larger than "
                                         "60 megapixels; resize it first"),
    "a GIF": (lambda p: Image.new("RGB", (10, 10)).save(p, "GIF"), "file",
              "picture source/test-story/roundtable.jpg is a GIF file; use JPEG, PNG or WebP"),
    "missing": (lambda p: p.unlink(), "file", "picture source/test-story/roundtable.jpg is not a file beside the "
                                              "article; put the picture itself in that folder"),
    "a link": (lambda p: (p.unlink(), p.symlink_to("/etc/hostname")), "file",
               "picture source/test-story/roundtable.jpg is not a file beside the article; put the picture itself "
               "in that folder"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_picture_is_refused_precisely_and_nothing_is_written(tmp_path, case):
    damage, field, message = BAD[case]
    root = tmp_path
    folder = pictured(root)
    subprocess.run([sys.executable, "-m", "publisher", "build", "-C", str(root)], check=True, capture_output=True)
    before = {p: p.read_bytes() for p in (root / "output").rglob("*") if p.is_file()}
    damage(folder / "roundtable.jpg")
    result = subprocess.run([sys.executable, "-m", "publisher", "build", "-C", str(root)], capture_output=True, text=True)
    line = next(i for i, text in enumerate((root / "source/test-story.md").read_text().splitlines(), 1)
                if text.strip() == f"{field}: roundtable.jpg")
    assert (result.returncode, result.stderr.strip()) == (1, f"source/test-story.md:{line}: {message}")
    assert {p: p.read_bytes() for p in (root / "output").rglob("*") if p.is_file()} == before


SYNTAX = {
    "undeclared": (PICTURES.split("pictures:")[0], BODY,
                   ["![](forest.png) places no declared picture; add it to the front matter's 'pictures' with its "
                    "alt text"]),
    "not placed": (PICTURES, BODY.replace("\n![](forest.png)\n", ""),
                   ["picture 'forest.png' is declared but not placed; put ![](forest.png) on a line of its own where "
                    "it belongs in the body"]),
    "alt between brackets": (PICTURES, BODY.replace("![](forest.png)", "![A forest](forest.png)"),
                             ["picture 'forest.png' is declared but not placed; put ![](forest.png) on a line of its "
                              "own where it belongs in the body",
                              "write a picture's alt text in the front matter (picture or pictures: alt), and leave "
                              "the brackets empty: ![](file.jpg)"]),
    "inside a paragraph": (PICTURES, BODY.replace("\n![](forest.png)\n", "See ![](forest.png) here.\n"),
                           ["picture 'forest.png' is declared but not placed; put ![](forest.png) on a line of its "
                            "own where it belongs in the body",
                            "a picture stands alone on its line: ![](file.jpg), with a blank line before and after"]),
    "a path": (PICTURES.replace("file: roundtable.jpg", "file: ../roundtable.jpg"), BODY,
               ["picture file '../roundtable.jpg' must be a plain file name in source/test-story/ ending in .jpg, "
                ".jpeg, .png or .webp (letters, digits, '-' and '_')"]),
    "no alt": (PICTURES.replace("  alt: Timur Zhaxylykov speaks at a round table in Minsk\n", ""), BODY,
               ["a picture needs 'alt'"]),
    "placed twice": (PICTURES, BODY + "\n![](forest.png)\n",
                     ["picture 'forest.png' is placed twice; place each picture once"]),
}


@pytest.mark.parametrize("case", SYNTAX)
def test_a_picture_written_wrong_is_refused_with_every_problem(tmp_path, case):
    front, body, messages = SYNTAX[case]
    root = tmp_path
    pictured(root, front, body, update=False)
    result = subprocess.run([sys.executable, "-m", "publisher", "build", "-C", str(root)], capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = [re.sub(r"^source/test-story\.md:\d+: ", "", line) for line in result.stderr.strip().splitlines()]
    assert found == messages
    assert not (root / "output").exists()

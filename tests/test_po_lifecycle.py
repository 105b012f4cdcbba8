"""Catalogues over long histories: editors and translators taking turns, gettext as the judge.

After every step of every history: `msgfmt -c` accepts each catalogue, it is msgcat's form, no
translation a translator confirmed is lost, a text that returns gets its confirmed translation
back, and a second update changes no byte.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import polib
from babel.messages.pofile import read_po, write_po
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from publisher import po
from tests.helpers import SETTINGS, run_update, write_article
from tests.validators import gettext_tool

SENTENCES = [f"The {noun} of Kazakhstan and Belarus grew by {n} percent in {year}."
             for noun, n, year in [("trade", 5, 2023), ("investment", 12, 2024), ("exports", 7, 2022),
                                   ("industry", 3, 2021), ("tourism", 40, 2024), ("energy output", 9, 2020)]]
LANGS = ("ru", "kk")
RESAVES = ("msgcat", "polib", "msgmerge", "translate-toolkit", "pybabel", "crlf", "bom", "reorder")
# Histories in CI: a few minutes; PUBLISHER_LONG_HISTORIES=1 runs many more, longer ones.
LONG = bool(os.environ.get("PUBLISHER_LONG_HISTORIES"))


class CatalogueHistory(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.root = Path(tempfile.mkdtemp())
        (self.root / "source").mkdir()
        (self.root / "pyproject.toml").write_text(SETTINGS.format(extra=""), encoding="utf-8")
        self.articles = {"alpha": list(SENTENCES[:3]), "beta": list(SENTENCES[3:])}
        self.ids = {"alpha": "id-alpha", "beta": "id-beta"}
        self.confirmed: dict[str, set[tuple[str, str]]] = {lang: set() for lang in LANGS}
        self.counter = 0
        self.renamed: set[str] = set()
        self._update()

    def teardown(self):
        shutil.rmtree(self.root, ignore_errors=True)

    # --- the editor ---------------------------------------------------------------------------------

    def _write_sources(self):
        for path in (self.root / "source").glob("*.md"):
            path.unlink()
        for slug, sentences in self.articles.items():
            write_article(self.root, slug, " ".join(sentences) + "\n", article_id=self.ids[slug])

    def _update(self):
        self._write_sources()
        before = self._confirmed_in_files()
        run_update(self.root)
        self._check_returning(before)
        snapshot = self._snapshot()
        run_update(self.root)
        assert self._snapshot() == snapshot, "a second update changed bytes"

    @rule(which=st.integers(0, 1), i=st.integers(0, 5), word=st.sampled_from(["sharply", "again"]))
    def edit(self, which, i, word):
        slug = sorted(self.articles)[which]
        sentences = self.articles[slug]
        i %= len(sentences)
        sentences[i] = sentences[i].replace(" grew", f" {word} grew", 1) if " grew" in sentences[i] else sentences[i]
        self._update()

    @rule(which=st.integers(0, 1), i=st.integers(0, 5))
    def revert(self, which, i):
        slug = sorted(self.articles)[which]
        sentences = self.articles[slug]
        i %= len(sentences)
        sentences[i] = sentences[i].replace(" sharply", "").replace(" again", "")
        self._update()

    @rule(which=st.integers(0, 1), i=st.integers(0, 5))
    def delete(self, which, i):
        slug = sorted(self.articles)[which]
        sentences = self.articles[slug]
        if len(sentences) > 1:
            del sentences[i % len(sentences)]
        self._update()

    @rule(which=st.integers(0, 1), i=st.integers(0, 5))
    def restore(self, which, i):
        slug = sorted(self.articles)[which]
        sentence = SENTENCES[i]
        if sentence not in self.articles[slug]:
            self.articles[slug].append(sentence)
        self._update()

    @rule(which=st.integers(0, 1))
    def move(self, which):
        slug = sorted(self.articles)[which]
        self.articles[slug].reverse()
        self._update()

    @rule(which=st.integers(0, 1))
    def join(self, which):
        slug = sorted(self.articles)[which]
        sentences = self.articles[slug]
        if len(sentences) >= 2:
            sentences[0:2] = [sentences[0].rstrip(".") + ", and " + sentences[1][0].lower() + sentences[1][1:]]
        self._update()

    @rule(which=st.integers(0, 1))
    def split(self, which):
        slug = sorted(self.articles)[which]
        sentences = self.articles[slug]
        joined = next((i for i, s in enumerate(sentences) if ", and " in s), None)
        if joined is not None:
            first, second = sentences[joined].split(", and ", 1)
            sentences[joined:joined + 1] = [first + ".", second[0].upper() + second[1:]]
        self._update()

    @rule(which=st.integers(0, 1))
    def rename(self, which):
        slug = sorted(self.articles)[which]
        self.counter += 1
        new = f"{slug.split('-')[0]}-{self.counter}"
        self.articles[new] = self.articles.pop(slug)
        self.ids[new] = self.ids.pop(slug)
        self.renamed.add(new)  # its catalogues are the old ones, moved: their units are not new
        self._update()
        assert not (self.root / "locales" / "ru" / "LC_MESSAGES" / f"{slug}.po").exists()

    @rule(picks=st.lists(st.integers(0, 5), min_size=1, max_size=4, unique=True))
    def add_article(self, picks):
        """A new story that repeats sentences of earlier ones (the memory fills them)."""
        self.counter += 1
        slug = f"gamma-{self.counter}"
        self.articles[slug] = [SENTENCES[i] for i in picks]
        self.ids[slug] = f"id-{slug}"
        self._update()

    @rule(which=st.integers(0, 5))
    @precondition(lambda self: len(self.articles) > 2)
    def remove_article(self, which):
        slug = sorted(self.articles)[which % len(self.articles)]
        del self.articles[slug]
        self._update()

    # --- the translator -----------------------------------------------------------------------------

    def _catalogues(self, lang):
        return sorted((self.root / "locales" / lang / "LC_MESSAGES").glob("*.po"))

    @rule(lang=st.sampled_from(LANGS), pick=st.integers(0, 50), improve=st.booleans())
    def translate(self, lang, pick, improve):
        paths = self._catalogues(lang)
        path = paths[pick % len(paths)]
        catalog = polib.pofile(str(path))
        entries = [e for e in catalog if e.msgctxt is None and (improve or not e.msgstr)]
        if not entries:
            return
        entry = entries[pick % len(entries)]
        self.counter += 1
        entry.msgstr = f"[{lang}] перевод {self.counter}: {entry.msgid}"
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        catalog.save(str(path))
        # an improvement replaces the translator's own earlier text: that one is superseded, not lost
        self.confirmed[lang] = {pair for pair in self.confirmed[lang] if pair[0] != entry.msgid}
        self.confirmed[lang].add((entry.msgid, entry.msgstr))
        self._update()
        now = {e.msgid: e for e in po.read(path).live} if path.exists() else {}
        if entry.msgid in now:  # the newest translation wins over any older one of the same text
            assert now[entry.msgid].msgstr == entry.msgstr and not now[entry.msgid].fuzzy

    @rule(lang=st.sampled_from(LANGS), pick=st.integers(0, 50))
    def mark_fuzzy(self, lang, pick):
        paths = self._catalogues(lang)
        path = paths[pick % len(paths)]
        catalog = polib.pofile(str(path))
        entries = [e for e in catalog if e.msgstr and e.msgctxt is None]
        if entries:
            entry = entries[pick % len(entries)]
            entry.flags = ["fuzzy"] if "fuzzy" not in entry.flags else []
            catalog.save(str(path))
            self._update()

    @rule(lang=st.sampled_from(LANGS), tool=st.sampled_from(RESAVES))
    def resave(self, lang, tool):
        for path in self._catalogues(lang):
            _resave(path, tool, self.root)
        self._update()

    # --- the promises -------------------------------------------------------------------------------

    def _snapshot(self):
        return {p: p.read_bytes() for p in sorted((self.root / "locales").rglob("*.po*"))}

    def _confirmed_in_files(self):
        """Per catalogue: its confirmed translations (live or obsolete) and its live units."""
        held = {}
        for lang in LANGS:
            for path in self._catalogues(lang):
                catalog = po.read(path)
                confirmed = {e.msgid: e.msgstr for e in catalog.entries if e.msgstr and not e.fuzzy
                             and (e.msgid, e.msgstr) in self.confirmed[lang]}
                held[path] = (lang, confirmed, {e.msgid for e in catalog.live})
        return held

    def _check_returning(self, before):
        """A unit whose text holds a translator's confirmed translation in its own catalogue (live or
        obsolete) gets one, live and confirmed; so does a unit the update creates whose text another
        catalogue of the language holds (the memory)."""
        anywhere = {}
        for lang, confirmed, _ in before.values():
            anywhere.setdefault(lang, set()).update(confirmed)
        for lang in LANGS:
            for path in self._catalogues(lang):
                _, own, existed = before.get(path, (lang, {}, set()))
                for entry in po.read(path).live:
                    created = entry.msgid not in existed and path.stem not in self.renamed
                    if entry.msgid in own or created and entry.msgid in anywhere.get(lang, ()):
                        assert entry.msgstr and not entry.fuzzy, (path, entry.msgid)

    @invariant()
    def gettext_accepts_every_catalogue_in_its_own_form(self):
        msgfmt, msgcat = gettext_tool("msgfmt"), gettext_tool("msgcat")
        for path in sorted((self.root / "locales").rglob("*.po*")):
            if path.suffix == ".po":
                check = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
                assert check.returncode == 0, check.stderr
            assert subprocess.run([msgcat, str(path)], capture_output=True).stdout == path.read_bytes(), path

    @invariant()
    def each_unit_appears_once(self):
        for lang in LANGS:
            for path in self._catalogues(lang):
                keys = [po.unit_key(*e.key) for e in po.read(path).entries]
                assert len(keys) == len(set(keys)), path

    @invariant()
    def no_confirmed_translation_is_lost(self):
        for lang in LANGS:
            present = {e.msgstr for path in self._catalogues(lang) for e in po.read(path).entries}
            for msgid, msgstr in self.confirmed[lang]:
                assert msgstr in present, (lang, msgid, msgstr)


def _resave(path: Path, tool: str, root: Path) -> None:
    """A translator's tool saving the file its own way."""
    if tool == "msgcat":
        subprocess.run([gettext_tool("msgcat"), "-o", str(path), str(path)], check=True)
    elif tool == "msgmerge":
        pot = root / "locales" / "templates" / f"{path.stem}.pot"
        subprocess.run([gettext_tool("msgmerge"), "--quiet", "--previous", "--update", "--backup=off", str(path),
                        str(pot)], check=True)
    elif tool == "polib":
        polib.pofile(str(path)).save(str(path))
    elif tool == "translate-toolkit":
        from translate.storage import po as toolkit_po  # Translate Toolkit, as Pootle and Virtaal save

        path.write_bytes(bytes(toolkit_po.pofile.parsefile(str(path))))
    elif tool == "pybabel":
        with path.open("rb") as handle:
            catalog = read_po(handle)
        saved = io.BytesIO()
        write_po(saved, catalog, include_previous=True)
        path.write_bytes(saved.getvalue())
    elif tool == "crlf":
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    elif tool == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    elif tool == "reorder":
        catalog = polib.pofile(str(path))
        live = [e for e in catalog if not e.obsolete][::-1]
        catalog[:] = live + catalog.obsolete_entries()
        catalog.save(str(path))


CatalogueHistory.TestCase.settings = settings(max_examples=40 if LONG else 3,
                                              stateful_step_count=60 if LONG else 20, deadline=None,
                                              suppress_health_check=list(HealthCheck))
test_catalogue_histories = CatalogueHistory.TestCase

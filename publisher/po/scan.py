"""The careful reader: a PO file's text scanned line by line as gettext reads it.

Every valid file is read into a Catalog (comments of every kind, previous strings, plural forms,
obsolete entries), and every problem gettext would refuse, and some it only warns about
(duplicates, plural counts, the charset, the language of the folder), is reported as
`path:line: what is wrong, and what to do`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from publisher.errors import Problems, PublisherError
from publisher.po.catalog import Catalog, Entry
from publisher.textchars import describe, forbidden, printable

MAX_REPORTED = 10  # a binary file saved as .po would otherwise give thousands of messages
GETTEXT_DEFAULT_NPLURALS = 2  # what gettext assumes when the header has no Plural-Forms
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?(?=[\s\"]|$)\s*(.*)")
_STRING = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f"}
_RAW_CHARSET = re.compile(rb"charset=([\w.:-]*)")
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")
_BLANKS = " \t\r\f\v"  # what gettext skips between tokens (a no-break space is not among them)
_FIX = "fix it in a PO editor (or restore the file from git)"


def decoded_text(raw: bytes, name: str, keep_cr: bool = False) -> str:
    """The text of a PO file (BOM and, unless `keep_cr`, the CR of CRLF dropped), refused if it is
    not UTF-8 or holds a character no output can carry. (gettext keeps a CR that ends a comment
    line as part of the comment: `publish fmt` keeps it too, to give msgcat's bytes.)"""
    text = _decode(raw, name)
    char = forbidden(text)
    if char:
        raise PublisherError(_unusable(char.group(0)), name, text.count("\n", 0, char.start()) + 1)
    return raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8") if keep_cr else text


def scan_text(text: str, name: str, lang: str | None) -> Catalog:
    scan = _Scan(name)
    scan.run(text)
    errors = scan.errors or _header_errors(scan, name, lang) + _entry_errors(scan, name)
    if errors:
        shown = errors[:MAX_REPORTED]
        if len(errors) > MAX_REPORTED:
            shown.append(PublisherError(f"… and {len(errors) - MAX_REPORTED} more problems", name))
        raise shown[0] if len(shown) == 1 else Problems(shown)
    entries = [e.to_entry() for e in scan.entries]
    header = next((e for e in entries if e.is_header), None)
    return Catalog(header, [e for e in entries if e is not header])


def _decode(raw: bytes, name: str) -> str:
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if not raw.strip():
        raise PublisherError("the catalogue is empty; delete it and run `publish update` to create it again, "
                             "or restore it from git", name, 1)
    declared = _declared_charset(raw)
    if declared and not _is_utf8(declared.group(1).decode("ascii")):
        line = raw[: declared.start()].count(b"\n") + 1
        raise PublisherError(_convert_advice(declared.group(1).decode("ascii"), name), name, line)
    try:
        return raw.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PublisherError("not valid UTF-8; save the catalogue as UTF-8 in your PO editor "
                             "(and say charset=UTF-8 in its header)", name, line) from None


def _declared_charset(raw: bytes) -> re.Match[bytes] | None:
    """charset= in the header entry's strings (not in a comment above it, which gettext ignores)."""
    header = re.split(rb"\r?\n[ \t]*\r?\n", raw, maxsplit=1)[0]
    offset = 0
    for line in header.split(b"\n"):
        if not line.lstrip().startswith(b"#"):
            match = _RAW_CHARSET.search(raw, offset, offset + len(line))
            if match:
                return match
        offset += len(line) + 1
    return None


def _is_utf8(charset: str) -> bool:
    return charset.lower().replace("-", "") == "utf8"


def _convert_advice(charset: str, name: str) -> str:
    return (f"the catalogue is in charset {charset or '(none)'}, and only UTF-8 is read; convert it with "
            f"`msgconv --to-code=UTF-8 {name} -o {name}`, or save it as UTF-8 in your PO editor")


# --- Scanning -----------------------------------------------------------------------------------


@dataclass
class _Entry:
    line: int  # the line of its first keyword, where errors are reported
    obsolete: bool
    start: int = 0  # its first line (comments included): Entry.line
    keys: list[str] = field(default_factory=list)  # msgctxt, msgid, msgid_plural, msgstr, msgstr[0]…
    values: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # key → (line, piece)…
    comments: list[str] = field(default_factory=list)  # the comment lines above it, as written
    previous: dict[str, str] = field(default_factory=dict)  # msgctxt, msgid, msgid_plural of #| lines

    def text(self, key: str) -> str | None:
        return "".join(piece for _, piece in self.values[key]) if key in self.values else None

    @property
    def complete(self) -> bool:
        return any(k.startswith("msgstr") for k in self.keys)

    def to_entry(self) -> Entry:
        forms = sorted((int(k[7:-1]), self.text(k)) for k in self.keys if k.startswith("msgstr["))
        entry = Entry(msgid=self.text("msgid") or "", msgstr=self.text("msgstr") or "", msgctxt=self.text("msgctxt"),
                      msgid_plural=self.text("msgid_plural"), msgstr_plural=[text for _, text in forms],
                      previous_msgctxt=self.previous.get("msgctxt"), previous_msgid=self.previous.get("msgid"),
                      previous_msgid_plural=self.previous.get("msgid_plural"), obsolete=self.obsolete,
                      line=self.start or self.line)
        for comment in self.comments:
            file_comment(entry, comment)
        return entry


def file_comment(entry: Entry, line: str) -> None:
    """A comment line (not #|) into its place, as gettext reads it: one space after the mark is
    the separator, anything after it is the comment."""
    kind, body = line[1:2], line[2:]
    if kind == ".":
        entry.comments.append(body.removeprefix(" "))
    elif kind == ":":
        entry.references += [ref for ref in body.split() if ref not in entry.references]
    elif kind == ",":
        entry.flags += [flag.strip() for flag in body.split(",") if flag.strip()]
    else:
        entry.tcomments.append(line[1:].removeprefix(" "))


class _Scan:
    """gettext's grammar, line by line: comments before an entry, then [msgctxt] msgid
    [msgid_plural] and its msgstr(s), each keyword with its strings; an obsolete entry is the
    same with every line behind #~."""

    def __init__(self, name: str):
        self.name = name
        self.entries: list[_Entry] = []
        self.errors: list[PublisherError] = []
        self.entry: _Entry | None = None
        self.open = False  # the last line was the entry's keyword or string: a string may continue it
        self.skipping = False  # after an error, until the next blank line: one error per mistake
        self.blank = False  # the line before was blank
        self.previous_open = False  # the line before was a #| keyword or string: a #| string may continue it
        self.pending: list[tuple[int, str]] = []  # comment lines waiting for their entry
        self.pending_previous: dict[str, str] = {}
        self.previous_key: str | None = None

    def run(self, text: str) -> None:
        for number, line in enumerate(text.split("\n"), start=1):
            self.line(number, line)
        self.finish()

    def line(self, number: int, line: str) -> None:
        stripped = line.strip(_BLANKS)
        if not stripped:
            self.skipping = False
        elif self.skipping:
            pass
        elif stripped.startswith("#~") and not stripped.startswith("#~|"):
            rest = stripped[2:].strip(_BLANKS)
            while rest.startswith("#~") and not rest.startswith("#~|"):  # gettext reads `#~ #~` as one mark
                rest = rest[2:].strip(_BLANKS)
            if rest.startswith("#"):  # `#~ #| msgid …`: gettext reads the comment behind the mark
                self.comment(number, rest)
                stripped = rest
            elif rest:
                self.token(number, rest, obsolete=True)
        elif stripped.startswith("#"):
            self.comment(number, line.lstrip(_BLANKS))
        else:
            self.token(number, stripped, obsolete=False)
        self.blank = not stripped
        self.previous_open = self.previous_open and stripped.startswith(("#|", "#~|"))

    def comment(self, number: int, line: str) -> None:
        """A comment belongs above an entry: it closes a complete one and cannot stand inside one."""
        if self.entry is not None and not self.entry.complete and not self.blank:
            self.fail(number, f"a comment inside an entry, before its msgstr; move it above the entry; {_FIX}")
            return
        if self.entry is not None and not self.entry.complete:
            self.finish()  # after a blank line, the entry above is more likely missing its msgstr
        elif self.entry is not None:
            self.finish()
        self.open = False
        stripped = line.strip(_BLANKS)
        if stripped.startswith(("#|", "#~|")):
            self.previous(number, stripped.split("|", 1)[1].strip(_BLANKS))
            return
        if line.endswith("\\"):
            self.error(number, "a comment ends with a backslash, which joins the next line to it for gettext; "
                               "remove the backslash")
        self.pending.append((number, line))

    def previous(self, number: int, text: str) -> None:
        """A `#|` line (the source text a fuzzy translation was made for): gettext reads its strings too."""
        keyword = _KEYWORD.fullmatch(text)
        if keyword and keyword.group(1) == "msgstr":
            self.error(number, f"a #| line holds the previous msgctxt or msgid, not a msgstr; {_FIX}")
        elif text.startswith('"') and not self.previous_open:
            self.error(number, f"a #| string with no #| msgid before it; {_FIX}")
        elif text:
            value, problem = _literal(keyword.group(3) if keyword else text)
            if problem:
                self.error(number, problem)
            elif keyword:
                self.previous_key = keyword.group(1)
                self.pending_previous[self.previous_key] = value
            else:
                self.pending_previous[self.previous_key] += value
            self.pending.append((number, "#|"))
            self.previous_open = not problem

    def error(self, number: int, message: str) -> None:
        self.errors.append(PublisherError(f"not a valid PO file: {message}", self.name, number))

    def fail(self, number: int, message: str) -> None:
        self.error(number, message)
        self.skipping, self.open, self.entry = True, False, None
        self.pending, self.pending_previous = [], {}

    def token(self, number: int, text: str, obsolete: bool) -> None:
        keyword = _KEYWORD.fullmatch(text)
        starts = keyword is not None and keyword.group(1) in ("msgctxt", "msgid") and (
            self.entry is None or self.entry.complete)
        if self.entry is not None and not starts and self.entry.obsolete != obsolete:
            self.fail(number, f"an entry mixes #~ lines with ordinary ones; mark all of its lines #~ or none; {_FIX}")
        elif keyword:
            key = keyword.group(1) + (f"[{keyword.group(2)}]" if keyword.group(2) is not None else "")
            self.keyword(number, key, keyword.group(3), obsolete)
        elif text.startswith('"') and self.open:
            self.piece(number, text)
        elif text.startswith('"'):
            self.fail(number, f"a string with no msgid or msgstr before it; {_FIX}")
        else:
            self.fail(number, f"unexpected text “{printable(text[:40])}”: a PO file holds only comments (#), "
                              f"msgctxt/msgid/msgid_plural/msgstr lines and quoted strings; {_FIX}")

    def keyword(self, number: int, key: str, rest: str, obsolete: bool) -> None:
        entry = self.entry
        if key in ("msgctxt", "msgid") and entry and not (entry.keys == ["msgctxt"] and key == "msgid"):
            self.finish()  # a new entry begins; the one before may lack its msgstr
        elif key not in ("msgctxt", "msgid"):
            problem = self.order_problem(entry, key)
            if problem:
                self.fail(number, f"{problem}; {_FIX}")
                return
        if self.entry is None:
            self.start(number, obsolete)
        self.entry.keys.append(key)
        self.entry.values[key] = []
        self.open = True
        self.piece(number, rest)

    def start(self, number: int, obsolete: bool) -> None:
        """A new entry takes the comments and previous strings above it."""
        first = self.pending[0][0] if self.pending else number
        self.entry = _Entry(number, obsolete, first, comments=[line for _, line in self.pending if line != "#|"],
                            previous=self.pending_previous)
        self.pending, self.pending_previous = [], {}

    @staticmethod
    def order_problem(entry: _Entry | None, key: str) -> str | None:
        """Why msgid_plural or a msgstr cannot come next in `entry`, if it cannot (gettext's order)."""
        last = entry.keys[-1] if entry and entry.keys else None
        plural = entry is not None and "msgid_plural" in entry.keys
        if entry is None or entry.complete and not key.startswith("msgstr["):
            return f"{key} without a msgid before it; an entry is [msgctxt] msgid … msgstr …"
        if key == "msgid_plural":
            return None if last == "msgid" else "msgid_plural must come right after msgid"
        if key == "msgstr":
            return "this entry has msgid_plural, so its translations are msgstr[0], msgstr[1] …" if plural else (
                None if last == "msgid" else "msgstr must come right after msgid")
        if not plural:
            return f"{key} in an entry without msgid_plural; write msgstr \"…\""
        return None if last == "msgid_plural" or last.startswith("msgstr[") else "msgstr[…] must follow msgid_plural"

    def piece(self, number: int, text: str) -> None:
        value, problem = _literal(text)
        if problem:
            self.fail(number, problem)
            return
        self.entry.values[self.entry.keys[-1]].append((number, value))

    def finish(self) -> None:
        entry = self.entry
        if entry is not None and not entry.complete:
            self.error(entry.line, 'this entry has no msgstr; add msgstr "" after its msgid')
        elif entry is not None:
            self.entries.append(entry)
        self.entry, self.open = None, False


def _literal(text: str) -> tuple[str | None, str | None]:
    """A quoted PO string → (its value, None), or (None, what is wrong with it)."""
    match = _STRING.match(text)
    if not text.startswith('"'):
        return None, f"expected a quoted string, found “{printable(text[:40])}”; {_FIX}"
    if match is None:
        return None, 'unterminated string: add the closing " at the end of the line'
    if text[match.end():].strip(_BLANKS):
        return None, (f"unexpected text after the closing quote: “{printable(text[match.end():][:40])}”; "
                      'write a quote inside a string as \\"')
    value = match.group(1)
    if "\\" in value:
        bad = next((m.group(0) for m in _ESCAPE.finditer(value) if m.group(1) not in _ESCAPES), None)
        if bad:
            return None, f"unknown escape {printable(bad)}; write a backslash as \\\\"
        value = _ESCAPE.sub(lambda m: _ESCAPES[m.group(1)], value)
        char = forbidden(value)  # \b, \f and \v write control characters
        if char:
            return None, _unusable(char.group(0))
    return value, None


def _unusable(char: str) -> str:
    return f"the text contains {describe(char)}, which no output can carry; delete it"


# --- What the entries say ---------------------------------------------------------------------------


def _header(scan: _Scan) -> _Entry | None:
    return next((e for e in scan.entries if not e.obsolete and e.text("msgctxt") is None and e.text("msgid") == ""),
                None)


def _header_fields(header: _Entry) -> dict[str, tuple[str, int]]:
    """Header field (lower case) → its value and the line it starts on; a field may span strings."""
    fields: dict[str, tuple[str, int]] = {}
    pending, start = "", header.line
    for number, piece in header.values.get("msgstr", []):
        start = start if pending else number
        pending += piece
        while "\n" in pending:
            part, pending = pending.split("\n", 1)
            key, _, value = part.partition(":")
            fields.setdefault(key.strip().lower(), (value.strip(), start))
            start = number
    return fields


def _header_errors(scan: _Scan, name: str, lang: str | None) -> list[PublisherError]:
    header = _header(scan)
    if header is None:
        return [PublisherError('no header entry (msgid "" with the Content-Type); run `publish update` on a copy '
                               "to see the header it needs, or restore the file from git", name, 1)]
    errors = []
    fields = _header_fields(header)
    content_type, line = fields.get("content-type", ("", header.line))
    charset = re.search(r"charset=(\S*)", content_type)
    if not charset or not _is_utf8(charset.group(1)):
        errors.append(PublisherError(_convert_advice(charset.group(1), name) if charset else
                                     'the header says no charset; add "Content-Type: text/plain; charset=UTF-8\\n"',
                                     name, line))
    declared, line = fields.get("language", ("", header.line))
    if lang and declared and primary(declared) != primary(lang):
        errors.append(PublisherError(f"the header says Language: {printable(declared)}, but the file is in the "
                                     f"folder for '{lang}'; move the file to locales/{printable(declared)}/ "
                                     f"or correct the header", name, line))
    return errors


def primary(language: str) -> str:
    return re.split(r"[_\-@.]", language.strip(), maxsplit=1)[0].lower()


def _entry_errors(scan: _Scan, name: str) -> list[PublisherError]:
    errors = []
    header = _header(scan)
    plural_forms = _header_fields(header).get("plural-forms", ("", 0))[0] if header else ""
    nplurals_match = _NPLURALS.search(plural_forms)
    nplurals = int(nplurals_match.group(1)) if nplurals_match else GETTEXT_DEFAULT_NPLURALS
    seen: dict[tuple[str | None, str | None], int] = {}
    for entry in scan.entries:  # an obsolete entry may not repeat another one either (msgfmt refuses it)
        key = (entry.text("msgctxt"), entry.text("msgid"))
        if key in seen:
            errors.append(PublisherError(f"this entry repeats the one at line {seen[key]}; delete one of them "
                                         f"(`msguniq --use-first {name} -o {name}` keeps the first)", name, entry.line))
        seen.setdefault(key, entry.line)
        if entry.obsolete:
            continue
        if not _fuzzy(entry):  # msgfmt compiles, and so checks, only what is not fuzzy
            errors += _line_break_errors(entry, name)
        forms = [k for k in entry.keys if k.startswith("msgstr[")]
        if "msgid_plural" in entry.keys and forms != [f"msgstr[{i}]" for i in range(nplurals)]:
            errors.append(PublisherError(f"this plural entry has {', '.join(forms)}, but the header's Plural-Forms "
                                         f"says nplurals={nplurals}; give exactly msgstr[0] … msgstr[{nplurals - 1}]",
                                         name, entry.line))
    return errors


def _fuzzy(entry: _Entry) -> bool:
    return any(line.startswith("#,") and "fuzzy" in (f.strip() for f in line[2:].split(",")) for line in entry.comments)


def _line_break_errors(entry: _Entry, name: str) -> list[PublisherError]:
    """gettext refuses a translation that begins or ends with a line break where its msgid does not."""
    msgid, errors = entry.text("msgid") or "", []
    for key in (k for k in entry.keys if k.startswith("msgstr") and msgid and entry.text(k)):
        for edge, has in (("begins", str.startswith), ("ends", str.endswith)):
            if has(msgid, "\n") != has(entry.text(key), "\n"):
                problem = (f"the msgid {edge} with a line break (\\n) and the {key} does not; add one to the {key}"
                           if has(msgid, "\n") else
                           f"the {key} {edge} with a line break (\\n) and the msgid does not; remove it")
                errors.append(PublisherError(problem, name, entry.values[key][0][0]))
    return errors

"""Line-break opportunities as GNU gettext finds them (UAX #14, pair-table form).

gettext wraps PO strings with libunistring, which implements the pair table of UAX #14
(section 7.3) as of Unicode 13, with one change: it breaks between '.', ',', ':' or ';' and a
following letter. A letter before a prefix or postfix sign (`n%10`, `a\\n`) is not a break (rule
LB24), as msgcat shows. Newer UAX #14 rules (as in uniseg's own segmenter) break elsewhere around
quotation marks and numbers, and every such difference would re-wrap a translator's file.
Line-break classes of characters come from uniseg's Unicode data.
"""

from __future__ import annotations

import re

from uniseg.linebreak import line_break

# Columns and rows: the class before a break opportunity (row) and after it (column).
CLASSES = "WJ GL B2 BA BB HY CL CP EX IN NS OP QU IS NU PO PR SY AL H2 H3 ID JL JV JT HL RI ZWJ EB EM".split()
# D: direct break, I: break only after spaces, P: prohibited even after spaces.
_TABLE = """
PIIIIIPPPIIIIPIIIPIIIIIIIIIIII PIIIIIPPPIIIIPIIIPIIIIIIIIIIII PIPIDIPPPDIDIPDDDPDDDDDDDDDIDD
PDDIDIPPPDIDIPDDDPDDDDDDDDDIDD PIIIIIPPPIIIIPIIIPIIIIIIIIIIII PDDIDIPPPDIDIPIDDPDDDDDDDDDIDD
PIDIDIPPPDPDIPDIIPDDDDDDDDDIDD PIDIDIPPPDPDIPIIIPIDDDDDDIDIDD PIDIDIPPPIIDIPDDDPDDDDDDDDDIDD
PIDIDIPPPIIDIPDDDPDDDDDDDDDIDD PIDIDIPPPDIDIPDDDPDDDDDDDDDIDD PPPPPPPPPPPPPPPPPPPPPPPPPPPPPP
PIIIIIPPPIIPIPIIIPIIIIIIIIIIII PIDIDIPPPDIDIPIDDPDDDDDDDDDIDD PIDIDIPPPIIIIPIIIPIDDDDDDIDIDD
PIDIDIPPPDIIIPIDDPIDDDDDDIDIDD PIDIDIPPPDIIIPIDDPIIIIIIIIDIII PIDIDIPPPDIDIPIDDPDDDDDDDIDIDD
PIDIDIPPPIIIIPIIIPIDDDDDDIDIDD PIDIDIPPPIIDIPDIDPDDDDDIIDDIDD PIDIDIPPPIIDIPDIDPDDDDDDIDDIDD
PIDIDIPPPIIDIPDIDPDDDDDDDDDIDD PIDIDIPPPIIDIPDIDPDIIDIIDDDIDD PIDIDIPPPIIDIPDIDPDDDDDIIDDIDD
PIDIDIPPPIIDIPDIDPDDDDDDIDDIDD PIDIDIPPPIIIIPIIIPIDDDDDDIDIDD PIDIDIPPPDIDIPDDDPDDDDDDIDIIDD
PIDIDIPPPDIDIPDDDPDDDIDDIDIIII PIDIDIPPPIIDIPDIDPDDDDDDIDIIDI PIDIDIPPPIIDIPDIDPDDDDDDIDIIDD
""".split()
_COLUMN = {name: i for i, name in enumerate(CLASSES)}
# Classes outside the table, resolved as UAX #14 rule LB1 and libunistring do.
_RESOLVE = {"AI": "AL", "SA": "AL", "SG": "AL", "XX": "AL", "CJ": "NS", "CB": "B2", "NL": "BK", "CR": "BK",
            "LF": "BK"}

POSSIBLE, MANDATORY = "possible", "mandatory"


def _class(char: str) -> str:
    name = line_break(char).name
    cls = _CLASSES[char] = _RESOLVE.get(name, name)
    return cls


def opportunities(text: str) -> dict[int, str]:
    """Where a line may be broken: index i → POSSIBLE (a break before text[i] is allowed) or
    MANDATORY (text[i] is itself a line break character)."""
    found: dict[int, str] = {}
    before, after_space = None, False
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        i += 1
        cls = _CLASSES.get(char) or _class(char)
        if cls == "BK":  # U+2028 and the like: gettext counts columns anew after it
            found[i - 1], before, after_space = MANDATORY, "BK", False
            continue
        if cls == "SP":
            after_space = True
            continue
        if cls in ("CM", "ZWJ") and before is not None and not after_space:
            continue  # a combining mark takes the class of its base
        if cls == "CM":
            cls = "AL"
        if before not in (None, "BK") and _may_break(before, cls, after_space):
            found[i - 1] = POSSIBLE
        before, after_space = cls, False
        if cls == "AL":  # the rest of a word's letters: no break between two AL without a space
            run = _LETTER_RUN.match(text, i)
            if run:
                i = run.end()
    return found


def _may_break(before: str, after: str, after_space: bool) -> bool:
    entry = _PAIRS.get((before, after))
    if entry is None:
        if after == "BK":
            return False
        if before == "ZW":
            return True
        return False if after == "ZW" else after_space
    return entry == "D" or entry == "I" and after_space


# The table as (before, after) → D/I/P, and the classes of the characters seen so far: the loop
# above runs for every character of every long string written.
_PAIRS = {(row, column): _TABLE[_COLUMN[row]][_COLUMN[column]] for row in CLASSES for column in CLASSES}
_CLASSES: dict[str, str] = {}


def _letter_run() -> re.Pattern[str]:
    """Runs of the Latin and Cyrillic letters whose class is AL (the most of any news text), which
    the loop above may step over: AL after AL is a break only after a space. Made from the classes
    themselves, so a letter of another class (a combining mark, U+0483) is never in it."""
    candidates = [chr(c) for c in (*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250), *range(0x400, 0x530))]
    letters = "".join(c for c in candidates if _RESOLVE.get(line_break(c).name, line_break(c).name) == "AL")
    return re.compile(f"[{re.escape(letters)}]+")


_LETTER_RUN = _letter_run()

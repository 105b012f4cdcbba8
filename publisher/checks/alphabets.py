"""The letters of the look-alike alphabets (Latin, Cyrillic, Greek) as regular-expression classes.

Their letters look alike (а/a, о/o, і/i, Α/A): mixing them inside a word is a homoglyph. Other
letters (the modifier apostrophe ʼ of сямʼя, ordinal indicators) belong to none of them.

A letter's alphabet is the first word of its Unicode name (LATIN SMALL LETTER A, CYRILLIC…).
Asking unicodedata letter by letter is slow, so each class holds exactly the word letters
(`[^\\W\\d_]`) whose names begin so, and a regular expression reads a whole text at once.
tests/test_checks.py compares them with unicodedata over every code point.
"""

from __future__ import annotations

import re

LATIN = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1d00-\u1d25\u1d62-\u1d65\u1d6b-\u1d77\u1d79-\u1d9a"
    "\u1e00-\u1eff\u2090-\u209c\u2184\u2c60-\u2c7c\u2c7e-\u2c7f\ua722-\ua76f\ua771-\ua787\ua78b-\ua7ca"
    "\ua7d0-\ua7d1\ua7d3\ua7d5-\ua7d9\ua7f5-\ua7f7\ua7fa-\ua7ff\uab30-\uab5a\uab60-\uab64\uab66-\uab68"
    "\ufb00-\ufb06\U0001df00-\U0001df1e"
)
CYRILLIC = "\u0400-\u0481\u048a-\u052f\u1c80-\u1c88\u1d2b\ua640-\ua66e\ua67f-\ua69b"
GREEK = (
    "\u0370-\u0374\u0376-\u0377\u037a-\u037d\u037f\u0386\u0388-\u038a\u038c\u038e-\u03a1\u03a3-\u03e1"
    "\u03f0-\u03f5\u03f7-\u03ff\u1d26-\u1d2a\u1d66-\u1d6a\u1f00-\u1f15\u1f18-\u1f1d\u1f20-\u1f45"
    "\u1f48-\u1f4d\u1f50-\u1f57\u1f59\u1f5b\u1f5d\u1f5f-\u1f7d\u1f80-\u1fb4\u1fb6-\u1fbc\u1fbe"
    "\u1fc2-\u1fc4\u1fc6-\u1fcc\u1fd0-\u1fd3\u1fd6-\u1fdb\u1fe0-\u1fec\u1ff2-\u1ff4\u1ff6-\u1ffc\uab65"
    "\U00010140-\U00010178\U0001018a-\U0001018b"
)
# By name, as messages title them; each matches one letter of its alphabet.
ALPHABETS = {name: re.compile(f"[{letters}]")
             for name, letters in (("Latin", LATIN), ("Cyrillic", CYRILLIC), ("Greek", GREEK))}

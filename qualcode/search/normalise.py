"""Folding text for matching: what a researcher typing fast without accents means.

`fold("Sécurité des Données")` gives `"securite des donnees"`: case folded, accents
and ligatures dropped (œ → oe), typographic apostrophes and dashes made plain,
whitespace collapsed. Stored texts are never folded, only compared through this.
"""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = str.maketrans(
    {
        "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'",
        "\u2013": "-", "\u2014": "-", "\u2011": "-",
        "\u00a0": " ", "\u202f": " ", "\u2009": " ",
        "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss",
    }
)
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare.casefold()).strip()

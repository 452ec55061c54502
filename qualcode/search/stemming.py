"""Words reduced to their stems, so "assurances" meets "assurance" and "hospitalisée"
meets "hospitalisation": Snowball's stemmers (PyStemmer, its C implementation), in
the study's language.

Stems are taken of *folded* words (no accents, lower case), because search and
suggestions compare folded text: a researcher typing "donnees" must meet "données".
Snowball's French rules read some endings by their accents ("-ées"), which folding has
removed, so a folded French stem is then stripped of the plural and feminine endings
those rules would have taken ("connectees" and "connecte" both give "connect").
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import Stemmer

DEFAULT_LANGUAGE = "fr"
SNOWBALL = {"fr": "french", "en": "english", "de": "german", "es": "spanish",
            "it": "italian", "pt": "portuguese", "nl": "dutch"}
"""Study languages (ISO 639-1, or their English names) and their Snowball stemmer."""


def language_code(language: str | None) -> str:
    """`fr`, `en`… from what a study file may say ("fr", "French", "fr_FR", "français")."""
    if not language:
        return DEFAULT_LANGUAGE
    text = language.strip().lower().replace("-", "_")
    if text[:2] in SNOWBALL and (len(text) == 2 or text[2] == "_"):
        return text[:2]
    names = {name: code for code, name in SNOWBALL.items()}
    names.update({"français": "fr", "francais": "fr", "anglais": "en"})
    return names.get(text, DEFAULT_LANGUAGE)


def _french_endings(stem: str) -> str:
    while len(stem) > 3 and stem[-1] == "e":
        stem = stem[:-1]
    if len(stem) > 3 and stem[-1] in "sx":
        stem = stem[:-1]
    return stem


@cache
def stemmer(language: str | None = None) -> Callable[[str], str]:
    """The stem of a folded word, in that language (French when unknown)."""
    code = language_code(language)
    snowball = Stemmer.Stemmer(SNOWBALL[code])
    snowball.maxCacheSize = 50_000
    if code != "fr":
        return snowball.stemWord  # type: ignore[no-any-return]

    def french(word: str) -> str:
        return _french_endings(snowball.stemWord(word))

    return french


FUNCTION_WORD_ZIPF = 5.7
"""Words at least this frequent (wordfreq's Zipf scale: once in 500 words) are the
language's function words ("que", "pas", "chez", "the"): they say nothing of what a
quote is about, and two quotes sharing them are not alike."""


@cache
def function_words(language: str | None = None) -> frozenset[str]:
    """The language's most frequent words, folded."""
    from wordfreq import top_n_list, zipf_frequency

    from qualcode.search.normalise import fold

    code = language_code(language)
    return frozenset(fold(w) for w in top_n_list(code, 600)
                     if zipf_frequency(w, code) >= FUNCTION_WORD_ZIPF)

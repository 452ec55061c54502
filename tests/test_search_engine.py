"""The search index, folding with offsets, suggestions' matching and near-duplicates,
on texts made up here so each expectation can be read off the test."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.errors import UserError
from qualcode.search.duplicates import near_duplicate_pairs
from qualcode.search.engine import Query, SearchIndex
from qualcode.search.normalise import fold, fold_with_offsets
from qualcode.search.stemming import stemmer
from qualcode.search.suggest import KeywordMatcher
from qualcode.services.code_tree import CodeNode

SPECIAL = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u2013": "-", "\u2014": "-",
           "\u2011": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "œ": "oe", "Œ": "oe",
           "æ": "ae", "Æ": "ae", "ß": "ss"}


def reference_fold(text: str) -> str:
    """Folding done the obvious way, on the whole string at once: the oracle."""
    decomposed = unicodedata.normalize("NFKD", text.translate(str.maketrans(SPECIAL)))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", bare.casefold()).strip()


ODD = ["\u0301", "ǅ", "ﬁ", "´", "¨", "…", "\u2002"]
FRENCHISH = st.text(alphabet=st.sampled_from(list("aeéèêàçôœÆß’ \u00a0\u202f\t\nXYZ-'.«»İ") + ODD),
                    max_size=40)


@given(st.one_of(FRENCHISH, st.text(max_size=30)))
def test_fold_and_offsets_agree_with_whole_string_folding(text: str) -> None:
    folded, offsets = fold_with_offsets(text)
    assert fold(text) == folded == reference_fold(text)
    assert len(offsets) == len(folded)
    assert offsets == sorted(offsets)
    for ch, at in zip(folded, offsets, strict=True):
        assert ch == " " or ch in fold(text[at]) or ch in reference_fold(text[at])


TEXTS = [
    "La sécurité des données de santé me fait peur.",          # 1
    "Je ne sais pas où sont stockées mes données.",            # 2
    "Le médecin parle de sécurité sociale, pas d'autre chose.",  # 3
    "Il faut faire attention au hacking sur les données sensibles.",  # 4
    "Ma carte Vitale est ancienne, c'était galère.",          # 5
    "La carte de la mutuelle est vitale pour moi.",           # 6
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex([10 * (i + 1) for i in range(len(TEXTS))], TEXTS)


def texts_of(index: SearchIndex, hits: list) -> list[str]:  # type: ignore[type-arg]
    return [TEXTS[h.quote_id // 10 - 1] for h in hits]


def test_accents_typos_and_missing_words_are_forgiven(index: SearchIndex) -> None:
    hits = index.search("securite donees")
    assert hits[0].quote_id == 10
    assert hits[0].score > hits[1].score
    assert 0 < hits[-1].score <= hits[0].score <= 100


def test_spans_point_at_the_original_words(index: SearchIndex) -> None:
    (hit, *_) = index.search("securite donees")
    text = TEXTS[0]
    assert [text[a:b] for a, b in hit.spans] == ["sécurité", "données"]


def test_a_word_being_typed_matches_by_its_start(index: SearchIndex) -> None:
    hits = index.search("hack")
    assert [h.quote_id for h in hits] == [40]
    assert [TEXTS[3][a:b] for a, b in hits[0].spans] == ["hacking"]


def test_quoted_phrase_must_appear_as_typed(index: SearchIndex) -> None:
    assert [h.quote_id for h in index.search('"carte vitale"')] == [50]
    assert {h.quote_id for h in index.search("carte vitale")} >= {50, 60}
    hit = index.search('"CARTE VITALE"')[0]
    assert [TEXTS[4][a:b] for a, b in hit.spans] == ["carte Vitale"]
    assert index.search('"arte vitale"') == []  # a phrase starts at a word's start
    assert [h.quote_id for h in index.search('"carte vit')] == [50]  # still being typed
    assert [h.quote_id for h in index.search('"carte vitale" galere')] == [50]
    assert Query.parse('"carte vitale" galere').phrases == ("carte vitale",)
    assert Query.parse('"carte vitale" galere').words == ("galere",)


def test_within_and_limit(index: SearchIndex) -> None:
    assert [h.quote_id for h in index.search("donnees", within={20, 30})] == [20]
    assert len(index.search("donnees", limit=1)) == 1
    assert index.search("donnees", within=set()) == []
    assert index.search("   ") == [] and index.search("donnees", limit=0) == []


def test_short_words_need_to_be_exact(index: SearchIndex) -> None:
    assert index.search("zzz") == []
    assert index.search("pe") == []  # two letters match no word's start


def test_regex_on_the_text_then_without_accents(index: SearchIndex) -> None:
    assert [h.quote_id for h in index.search_regex(r"donn[ée]es")] == [10, 20, 40]
    hits = index.search_regex(r"securite\s+(des|sociale)")
    assert [h.quote_id for h in hits] == [10, 30]
    assert [TEXTS[0][a:b] for a, b in hits[0].spans] == ["sécurité des"]
    with pytest.raises(UserError, match="invalid regular expression"):
        index.search_regex("(")


def test_search_scales_beyond_the_pool(index: SearchIndex) -> None:
    many = [f"verbatim {i} sur la sécurité" for i in range(500)] + ["la sécurité des données"]
    big = SearchIndex(list(range(1, len(many) + 1)), many)
    assert big.search("securite donnees", limit=3)[0].quote_id == len(many)


@pytest.mark.parametrize(("a", "b"), [("données", "donnée"), ("connectées", "connecté"),
                                      ("normaux", "normal"), ("aidante", "aidant"),
                                      ("sensibles", "sensible"), ("assurances", "assurance"),
                                      ("hospitalisée", "hospitalisation"),
                                      ("donnees", "données")])
def test_stems_forgive_plural_feminine_derivation_and_accents(a: str, b: str) -> None:
    stem = stemmer("fr")
    assert stem(fold(a)) == stem(fold(b))


def test_english_studies_stem_in_english() -> None:
    stem = stemmer("English")
    assert stem("insurer") == stem("insurance") == "insur"
    assert stem("running") == "run" != stemmer("fr")("running")


def node(i: int, name: str, keywords: list[str], parent: int | None = None,
         exclusive: bool = False) -> CodeNode:
    return CodeNode(i, name, parent, 0 if parent is None else 1, None, None, exclusive,
                    tuple(keywords))


def test_keywords_match_whole_words_with_endings_and_typos() -> None:
    matcher = KeywordMatcher([node(1, "data", ["donnée de santé", "piratage"]),
                              node(2, "art", ["art"])])
    found = matcher.match("Mes DONNÉES de santé ont subi un piratge, c'est grave.")
    assert [(s.code, s.matched) for s in found] == [("data", ("DONNÉES de santé", "piratge"))]
    assert found[0].score == pytest.approx(100 * (1 - (1 - 0.75) * (1 - 0.5 * 0.923)), abs=0.1)
    assert matcher.match("Une partie de l'artisanat.") == []  # "art" is not a word here


def test_children_win_over_parents_and_exclusive_children_compete() -> None:
    matcher = KeywordMatcher([
        node(1, "security", ["données"]), node(2, "hacking", ["piratage"], parent=1),
        node(3, "status", [], exclusive=True),
        node(4, "activated", ["activé", "j'ai activé"], parent=3),
        node(5, "never", ["jamais"], parent=3),
    ])
    found = {s.code: s for s in matcher.match("Piratage de données : j'ai activé, jamais plus.")}
    assert set(found) == {"hacking", "activated"}
    assert found["activated"].matched == ("j'ai activé",)


def test_near_duplicates_are_paired_and_short_turns_are_not() -> None:
    texts = ["Il y avait un délai pour l'activer, il fallait un numéro, c'était galère.",
             "Il y avait un delai pour l’activer il fallait un numero c’etait galere",
             "Oui.", "Oui.",
             "Tout à fait autre chose, sans rapport avec la première phrase du tout."]
    pairs = near_duplicate_pairs([1, 2, 3, 4, 5], texts)
    assert [(a, b) for a, b, _ in pairs] == [(1, 2)]
    assert 92 <= pairs[0][2] <= 100
    assert near_duplicate_pairs([1, 2], texts[:2], threshold=100.0) == []
    same = [texts[0]] * 3 + [texts[4]]
    assert near_duplicate_pairs([7, 3, 5, 9], same) == [(3, 5, 100.0), (5, 7, 100.0)]


def test_offsets_of_ligatures_ellipses_and_odd_spaces() -> None:
    assert fold_with_offsets("  Sœur…\n\nélan ") == (
        "soeur... elan", [2, 3, 3, 4, 5, 6, 6, 6, 7, 9, 10, 11, 12])
    assert fold_with_offsets("a ´ b") == ("a b", [0, 1, 4])


def test_search_meets_other_forms_of_a_word_by_its_stem() -> None:
    texts = ["J'ai été hospitalisée deux fois.", "Les assurances veulent nos données.",
             "Rien à voir."]
    index = SearchIndex([1, 2, 3], texts, "fr")
    assert [h.quote_id for h in index.search("hospitalisation")] == [1]
    assert [h.quote_id for h in index.search("assurance")] == [2]
    (span,) = index.search("hospitalisation")[0].spans
    assert texts[0][span[0]:span[1]] == "hospitalisée"

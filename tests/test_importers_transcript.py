"""The transcript parser: turns, labels versus sentences, offsets, and never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.importers.transcript import classify_label, parse_turns

TRANSCRIPT = """Réunion de groupe G3 — CSP-, 35-59 ans — Lille, 21/11/2023
Date : 21 novembre 2023
Lieu : Lille

[00:00:05] ANIMATRICE : Bonjour à tous, merci d’être venus.
On commence par un tour de table.
P1 : Alors moi [rires] je suis Awa.
Enfin voilà, ce que je veux dire : Doctolib c’est pratique.

  Et puis voilà [inaudible].
00:01:12 - Mme Dupont\u00a0: Moi je préfère voir mon médecin « en vrai ».
**P2 :** Oui.
P2 [00:02:00]: Oui.
Animatrice\u202f: Et vous ?
P3:
   Pas d’avis.
P4 :
"""


def turns_of(text: str, **kw: bool) -> list[tuple[str, bool, str, int | None]]:
    turns = parse_turns(text, **kw)  # type: ignore[arg-type]
    for turn in turns:
        assert turn.start is not None and turn.end is not None
        assert text[turn.start:turn.end] == turn.text
    return [(t.speaker, t.is_moderator, t.text, t.line) for t in turns]


def test_turns_speakers_moderators_texts_and_lines() -> None:
    assert turns_of(TRANSCRIPT) == [
        ("ANIMATRICE", True, "Bonjour à tous, merci d’être venus.\n"
                             "On commence par un tour de table.", 5),
        ("P1", False, "Alors moi [rires] je suis Awa.\n"
                      "Enfin voilà, ce que je veux dire : Doctolib c’est pratique.\n\n"
                      "  Et puis voilà [inaudible].", 7),
        ("Mme Dupont", False, "Moi je préfère voir mon médecin « en vrai ».", 11),
        ("P2", False, "Oui.", 12),
        ("P2", False, "Oui.", 13),
        ("ANIMATRICE", True, "Et vous ?", 14),  # one speaker, named as first written
        ("P3", False, "Pas d’avis.", 15),
    ]


def test_offsets_are_exact_in_the_text() -> None:
    turns = parse_turns(TRANSCRIPT)
    second = turns[1]
    assert second.start == TRANSCRIPT.index("Alors moi")
    assert second.end == TRANSCRIPT.index("[inaudible].") + len("[inaudible].")


def test_header_only_and_no_label_give_no_turn() -> None:
    assert parse_turns("Transcription\nDate : 12/10\nLieu : Paris\n") == []
    assert parse_turns("") == []
    assert parse_turns("juste du texte\nsans étiquette") == []


def test_a_weak_label_counts_only_when_it_comes_back() -> None:
    text = "P1 : Moi j'utilise\nDoctolib : c'est pratique\nMarie : oui\nMarie : encore\n"
    assert turns_of(text) == [
        ("P1", False, "Moi j'utilise\nDoctolib : c'est pratique", 1),
        ("Marie", False, "oui", 3), ("Marie", False, "encore", 4)]


def test_markdown_headings_end_turns_and_emphasis_is_allowed() -> None:
    text = "# Groupe 1\n\n**ANIMATRICE :** Bonjour.\n## Partie 2\nhors tour\n__P1__ : Salut\n"
    assert turns_of(text, markdown=True) == [
        ("ANIMATRICE", True, "Bonjour.", 3), ("P1", False, "Salut", 6)]
    assert turns_of(text)[0][2] == "Bonjour.\n## Partie 2\nhors tour"  # plain text: no break


def test_trailing_timestamp_lines_are_not_part_of_a_turn() -> None:
    assert turns_of("P1 : Bonjour\n[00:01:00]\n\nP2 : Salut\n") == [
        ("P1", False, "Bonjour", 1), ("P2", False, "Salut", 4)]


@pytest.mark.parametrize("label", [
    "P1", "P 12", "ANIMATRICE", "Animatrice", "MODÉRATEUR", "Modératrice 2", "Interviewer",
    "Facilitator", "Mme Dupont", "M. Martin", "Dr. Diallo", "Jean-Pierre", "Marie de La Tour",
    "Participant 3", "Femme 1 (CSP+, 35 ans)", "Animateur (Paul)", "L'animatrice", "SPEAKER 2",
    "Intervenante n°4",
])
def test_labels(label: str) -> None:
    assert classify_label(label) is not None


@pytest.mark.parametrize("phrase", [
    "Enfin voilà, ce que je veux dire", "Ce que je veux dire", "Alors", "Bon", "Oui", "Moi",
    "Mon Espace Santé", "Le Dossier Médical", "Le problème", "Il est 10", "Ma question",
    "Je pense", "C'est simple", "Pourquoi", "Voilà.", "Donc en gros", "Et alors ?", "Quoi !",
    "Date", "Lieu", "Participants", "Durée", "Exemple", "une Amie", "http", "«Moi",
    "Un Deux Trois Quatre Cinq", "A" * 41, "Qu'est-ce", "Bref",
])
def test_sentences_are_not_labels(phrase: str) -> None:
    assert classify_label(phrase) is None


def test_moderator_words() -> None:
    strong = {p: classify_label(p) for p in ("ANIMATEUR", "Modérateur", "interviewer",
                                               "Enquêtrice", "Interviewé")}
    assert strong["ANIMATEUR"] is not None and strong["ANIMATEUR"].strong
    assert strong["interviewer"] is not None  # a moderator word needs no capital
    texts = "ANIMATEUR : a\nModérateur : b\nEnquêteuse : c\nInterviewé : d\nInterviewé : e\n"
    assert [(s, m) for s, m, _, _ in turns_of(texts)] == [
        ("ANIMATEUR", True), ("Modérateur", True), ("Enquêteuse", True),
        ("Interviewé", False), ("Interviewé", False)]


def test_crlf_free_input_only_but_any_spacing() -> None:
    text = "P1\u00a0:\u00a0texte\nP2\t:\tautre\nP3:sans espace\n"
    assert [t for _, _, t, _ in turns_of(text)] == ["texte", "autre", "sans espace"]


LINES = st.lists(st.one_of(
    st.text(max_size=40),
    st.sampled_from(["P1 : oui", "ANIMATRICE :", "Marie : a", "# Titre", "[00:01:02]",
                     "**P2 :** b", "00:00:01 - Mme X : c", "", "   ", "Enfin voilà : non"]),
), max_size=30)


@settings(max_examples=300, deadline=None)
@given(LINES, st.booleans())
def test_never_crashes_and_offsets_point_at_texts(lines: list[str], markdown: bool) -> None:
    text = "\n".join(lines)
    turns = parse_turns(text, markdown=markdown)
    previous_end = 0
    for turn in turns:
        assert turn.start is not None and turn.end is not None
        assert previous_end <= turn.start < turn.end <= len(text)
        assert text[turn.start:turn.end] == turn.text
        assert turn.text == turn.text.strip() and turn.speaker
        previous_end = turn.end


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_crashes_on_any_text(text: str) -> None:
    for turn in parse_turns(text, markdown=True, breaks=frozenset({0, 2})):
        assert text[turn.start:turn.end] == turn.text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_label_rule_never_crashes(raw: str) -> None:
    label = classify_label(raw)
    assert label is None or (0 < len(label.speaker) <= 40 and "\n" not in label.speaker)


@pytest.mark.parametrize(("line", "expected"), [
    ("P1 00:12:34 : texte", [("P1", "texte")]),
    ("Intervenant 1 00:01:02 : bonjour", [("Intervenant 1", "bonjour")]),
    ("P5 1:02:03 : oui", [("P5", "oui")]),
    ("Animateur (00:12:34) : x", [("Animateur", "x")]),
    ("10:30 - P3 : a", [("P3", "a")]),
    ("P4 : 12:30 ok", [("P4", "12:30 ok")]),
    ("Il est 10:30 : bon", []),
])
def test_timestamps_around_labels(line: str, expected: list[tuple[str, str]]) -> None:
    assert [(t.speaker, t.text) for t in parse_turns(line)] == expected


def test_a_short_exchange_of_once_seen_names_is_still_a_transcript() -> None:
    assert turns_of("Entretien\nMarie : Bonjour.\nPaul : Salut.\n") == [
        ("Marie", False, "Bonjour.", 2), ("Paul", False, "Salut.", 3)]

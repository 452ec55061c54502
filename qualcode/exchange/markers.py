"""The descriptions qualcode writes so that its own exports read back exactly.

REFI-QDA has cases, variables and notes but no focus groups, speakers, design
dimensions or "reviewed, none applies". qualcode writes them with plain-language
descriptions other tools show as they are, and recognises the same words on import.
"""

from __future__ import annotations

import json
from typing import Any

ORIGIN = "qualcode"
GROUP_CASE = "Focus group"
PARTICIPANT_CASE = "Participant"
DIMENSION = "Design dimension; levels in order: "
GROUP_ATTRIBUTE = "Focus-group attribute"
PARTICIPANT_ATTRIBUTE = "Participant attribute"
ROLE_GROUP = "The participant's focus group"
ROLE_SPEAKER = "The participant's speaker label in the transcript"
ROLE_MODERATOR = "Moderator: the turns are kept for context, never counted"
QUOTE_TABLE = ("Quote table: each row is one paragraph, '[group] speaker: ' then the quote; "
               "the selections cover the quotes")
REVIEWED = "Reviewed: no code applies"
STUDY = "Study: "
CASE_CODES = ("The participants as codes, as NVivo writes cases: each code is a participant's "
              "case (same GUID), coding the quotes they said")
GROUPING = "Grouping code: not meant to be applied (isCodable false in REFI-QDA)."
"""First line of the description of a code another tool marked not codable; exported
back as `isCodable="false"`."""
UTF16_POSITIONS = "positions in UTF-16 units"
"""Appended to `origin` by `export --positions utf16`."""
UNATTRIBUTED = "unattributed"
"""Speaker of a quote from another tool whose selection no case claims."""


def dimension_description(levels: list[str]) -> str:
    return DIMENSION + json.dumps(levels, ensure_ascii=False)


def dimension_levels(description: str) -> list[str] | None:
    if not description.startswith(DIMENSION):
        return None
    try:
        levels = json.loads(description[len(DIMENSION):])
    except ValueError:
        return None
    return [str(v) for v in levels] if isinstance(levels, list) else None


def study_description(title: str, attributes: dict[str, Any]) -> str:
    lines = [STUDY + title] + [f"{k} = {json.dumps(v, ensure_ascii=False)}"
                               for k, v in attributes.items()]
    return "\n".join(lines)


def parse_study(description: str) -> tuple[str, dict[str, Any]] | None:
    if not description.startswith(STUDY):
        return None
    first, *rest = description.split("\n")
    attributes: dict[str, Any] = {}
    for line in rest:
        key, sep, raw = line.partition(" = ")
        if not sep:
            return None
        try:
            attributes[key] = json.loads(raw)
        except ValueError:
            return None
    return first[len(STUDY):], attributes

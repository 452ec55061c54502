"""Attribute values (a group's, a participant's) where a single value must stand.

Study files and imports give attributes any JSON value; a spreadsheet cell or a REFI-QDA
text variable holds one. Kept apart from `study` so that the read commands that print
attributes do not load the study file's parser.
"""

from __future__ import annotations

from typing import Any


def flat_value(value: Any) -> Any:
    """An attribute's value where one value fits (a spreadsheet cell, a REFI-QDA text
    variable): a list or a table (a study file may give a participant `langues = ["fr",
    "ar"]`) as its JSON text, accents kept, where Python's repr (`['fr', 'ar']`) or an
    error came out; anything else as it is."""
    if isinstance(value, list | dict):
        import json

        return json.dumps(value, ensure_ascii=False)
    return value

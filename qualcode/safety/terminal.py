"""Stored words shown on a terminal as words, never as commands to it.

A verbatim can hold escape sequences (pasted from a terminal, or planted in a file):
printed raw, `ESC[2J` clears the screen and an OSC sequence retitles the window or worse.
Every control character but line break and tab is shown escaped (`\\x1b`).
"""

from __future__ import annotations

import re

_CONTROLS = re.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]")


def printable(text: str) -> str:
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)

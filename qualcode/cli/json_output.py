"""JSON on standard output, as the bytes `exporters.json_array` makes."""

from __future__ import annotations

import sys
from typing import Any

from qualcode.exporters.json_array import json_bytes, write_array


def json_text(data: Any) -> str:
    return json_bytes(data).decode()


def emit_json(data: Any) -> None:
    """Written as bytes: decoding 50 MB (`quotes --json` at 100k) for the text layer
    to encode it again cost 0.15 s. A long array goes out in pieces."""
    sys.stdout.flush()
    out = sys.stdout.buffer
    if isinstance(data, list):
        write_array(data, out)
    else:
        out.write(json_bytes(data))

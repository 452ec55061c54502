"""How a code's name is compared: case and runs of spaces do not make another code.

Apart from the codebook's parser (`domain.codebook`) because the read commands compare
names without parsing a codebook, and its records cost 3 ms of their start-up."""

from __future__ import annotations


def normalise_name(name: str) -> str:
    return " ".join(name.casefold().split())

"""YAML read with the line where each mapping starts, for messages that point at it.

Codebooks and indicator files are hand-edited, so a problem must name its line; both
read through here. Reading runs on libyaml when PyYAML was built with it (a report
reads the indicators on every run, and the pure-Python parser took tens of
milliseconds of a command's start-up for a page of YAML).
"""

from __future__ import annotations

from typing import Any

import yaml


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line where each mapping starts."""


class _FastLineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same over libyaml when PyYAML was built with it: C speed, same documents."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {str(k): v for k, v in
                               loader.construct_mapping(node, deep=True).items()}
    mapping["__line__"] = node.start_mark.line + 1
    keys = [k.value for k, _value in node.value if isinstance(k, yaml.ScalarNode)]
    dupes = {k for k in keys if keys.count(k) > 1}
    if dupes:
        mapping["__dupkeys__"] = sorted(dupes)
    return mapping


for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def load_with_lines(text: str) -> Any:
    """The document, each mapping with its `__line__` (and `__dupkeys__` when a key is
    repeated). A document libyaml refuses is read again by the Python loader, whose
    wording of the problem (and its line) the messages have always quoted, so the
    `yaml.YAMLError` raised is that one."""
    try:
        return yaml.load(text, Loader=_FastLineLoader)  # noqa: S506 (a SafeLoader's C twin)
    except yaml.YAMLError:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)

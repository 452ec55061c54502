"""Survey figures shown beside the theme they illustrate (a mixed-methods joint display).

The figures live in a YAML file (`data/indicators.yaml` for the demo study): a
`study` title and a list of `indicators`, each with `value`, `unit`, French
`wording`, `base`, `source` and the codebook `theme` it belongs to. Without
`--indicators`, the report looks for `indicators.yaml` beside the project, then
`data/indicators.yaml` in the current folder and in the package (the demo's), and uses the
first whose `study` is the project's: figures of another study are never shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import yaml

from qualcode.domain.names import normalise_name
from qualcode.domain.yaml_lines import load_with_lines
from qualcode.errors import UserError
from qualcode.i18n import _

FIELDS = ("id", "value", "unit", "wording", "base", "source", "theme")


class Indicator(NamedTuple):
    id: str
    value: float
    unit: str
    wording: str
    base: str
    source: str
    theme: str

    def as_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in FIELDS}


def load_indicators(path: Path, themes: list[str]) -> tuple[str | None, list[Indicator]]:
    """(study title, figures) with each theme resolved to a code name; errors name the line."""
    where = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
        data = load_with_lines(text)
    except OSError as exc:
        raise UserError(
            _("cannot read the indicators: {strerror}").format(strerror=exc.strerror), path=where
        ) from None
    except UnicodeDecodeError:
        raise UserError(_("the indicators file is not UTF-8 text"), path=where) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UserError(
            _("invalid YAML: {problem}").format(problem=getattr(exc, "problem", exc)),
            path=where,
            line=mark.line + 1 if mark is not None else None,
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise UserError(_("expected a mapping with an `indicators:` list"), path=where, line=1)
    known = {normalise_name(t): t for t in themes}
    out: list[Indicator] = []
    for raw in data["indicators"]:
        line = raw.get("__line__") if isinstance(raw, dict) else None
        if not isinstance(raw, dict):
            raise UserError(_("each indicator is a mapping"), path=where, line=line)
        missing = [k for k in ("value", "wording", "theme") if raw.get(k) in (None, "")]
        if missing:
            raise UserError(
                _("indicator without {items}").format(items=", ".join(missing)),
                path=where,
                line=line,
            )
        theme = known.get(normalise_name(str(raw["theme"])))
        if theme is None:
            raise UserError(_("unknown theme {raw!r} (not in the codebook)").format(
                                raw=raw['theme']), path=where,
                            line=line)
        try:
            value = float(raw["value"])
        except (TypeError, ValueError):
            raise UserError(_("value {raw!r} is not a number").format(raw=raw['value']), path=where,
                            line=line) from None
        out.append(Indicator(id=str(raw.get("id") or f"line-{line}"),
                             value=int(value) if value.is_integer() else value,
                             unit=str(raw.get("unit") or ""), wording=str(raw["wording"]),
                             base=str(raw.get("base") or ""), source=str(raw.get("source") or ""),
                             theme=theme))
    study = data.get("study")
    return (str(study) if study is not None else None), out


def find_indicators(project: Path | None, title: str) -> Path | None:
    """The first indicators file found for this study, or None."""
    candidates = [Path("data/indicators.yaml"),
                  Path(__file__).resolve().parents[1] / "demo/data/indicators.yaml"]
    if project is not None:
        candidates.insert(0, project.parent / "indicators.yaml")
    for path in candidates:
        if not path.is_file():
            continue
        try:
            data = load_with_lines(path.read_bytes().decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and title and str(data.get("study", "")) == title:
            return path
    return None

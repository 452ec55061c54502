"""The report's charts keep their size in reason when a study has many groups: the heat
map's SVG holds one pixel a cell for the browser to scale, and Word's pictures are at
most `PNG_WIDEST` pixels across, while a study of a few groups draws as before."""

from __future__ import annotations

import base64
import json
import re
import struct
from pathlib import Path
from typing import Any

from qualcode.exporters import report_charts as charts
from qualcode.exporters.report_common import View

from .conftest import Cli


def _report(cli: Cli, db: Path) -> dict[str, Any]:
    done = cli("--db", str(db), "report", "--format", "json")
    assert done.code == 0, done.err
    data: dict[str, Any] = json.loads(done.out)
    return data


def _widened(data: dict[str, Any], times: int) -> dict[str, Any]:
    """The same report with each group repeated `times` times under new names."""
    groups, cells = [], []
    for n in range(times):
        for group in data["groups"]:
            groups.append({**group, "name": f"{group['name']}-{n}"})
        for cell in data["cells"]:
            cells.append({**cell, "group": f"{cell['group']}-{n}"})
    return {**data, "groups": groups, "cells": cells, "quotes": []}


def _png_width(picture: bytes) -> int:
    assert picture[:8] == b"\x89PNG\r\n\x1a\n"
    width: int = struct.unpack(">I", picture[16:20])[0]
    return width


def test_many_groups_make_pictures_word_can_hold(cli: Cli, demo_db: Path) -> None:
    data = _report(cli, demo_db)
    few = View(data)
    assert _png_width(charts.png(charts.heat_map(few))) == round(
        charts.heat_map(few).get_size_inches()[0] * charts.DPI)
    many = View(_widened(data, 10))  # 60 groups: a figure about 54 inches wide
    figure = charts.heat_map(many)
    assert figure.get_size_inches()[0] * charts.DPI > 2 * charts.PNG_WIDEST
    assert charts.PNG_WIDEST - 2 <= _png_width(charts.png(figure)) <= charts.PNG_WIDEST


def test_the_heat_map_is_one_pixel_a_cell_in_the_page(cli: Cli, demo_db: Path) -> None:
    view = View(_widened(_report(cli, demo_db), 3))
    drawn = charts.svg(charts.heat_map(view), "heat map")
    (picture,) = re.findall(r'<image [^>]*xlink:href="data:image/png;base64,([^"]+)"', drawn)
    png = base64.b64decode(picture)
    assert struct.unpack(">II", png[16:24]) == (len(view.groups), len(view.themes))
    assert "image-rendering:pixelated" in drawn

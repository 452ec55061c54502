"""The report as a tidy CSV: one row per (theme, group), UTF-8 with a BOM so Excel keeps
accents, numbers unrounded as in the JSON, each count beside its base (the column's quotes
and participants)."""

from __future__ import annotations

import csv
import io
from typing import Any

from qualcode.safety.spreadsheet import csv_row

COLUMNS = ("theme", "parent", "group", "quotes", "codings", "participants", "share", "flag",
           "group_quotes", "group_participants")


def render(data: dict[str, Any]) -> str:
    dims = list(data.get("dimensions", {}))
    parent = {t["name"]: t["parent"] for t in data["themes"]}
    groups = {g["name"]: g for g in data["groups"]}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(csv_row([*COLUMNS[:3], *dims, *COLUMNS[3:], "flag_test"]))
    for c in data["cells"]:
        g = groups[c["group"]]
        writer.writerow(csv_row([c["theme"], parent.get(c["theme"]) or "", c["group"],
                                 *(g["attributes"].get(d, "") for d in dims),
                                 c["quotes"], c["codings"], c["participants"],
                                 repr(c["share"]), c["flag"] or "", g["quotes"],
                                 g["participants"], data["test"]]))
    return "\ufeff" + buf.getvalue()

"""`csv_field` writes a row's fields as `csv.writer` does, joined by commas."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.exporters.csv_fields import csv_field

CELLS = st.one_of(
    st.text(alphabet=st.one_of(st.sampled_from(list(',";\r\n\t \'«»éœ…a')),
                               st.characters(codec="utf-8", exclude_categories=("Cs",))),
            max_size=30),
    st.integers(), st.floats(allow_nan=False), st.none(), st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(CELLS, min_size=2, max_size=8))
def test_a_row_is_what_csv_writer_writes(cells: list[object]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    assert ",".join(map(csv_field, cells)) + "\r\n" == out.getvalue()


def test_the_cells_a_verbatim_holds() -> None:
    assert csv_field("« Oui, bien sûr », dit-elle") == '"« Oui, bien sûr », dit-elle"'
    assert csv_field('Il a dit "non"') == '"Il a dit ""non"""'
    assert csv_field("deux\nlignes") == '"deux\nlignes"'
    assert csv_field("retour\rchariot") == '"retour\rchariot"'
    assert csv_field("'=SOMME(A1)") == "'=SOMME(A1)"
    assert csv_field(None) == "" and csv_field(3) == "3" and csv_field(0.5) == "0.5"

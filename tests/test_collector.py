"""The collector paused while a command builds what it keeps, and what it built counted
as old afterwards, so the first collection after does not walk it all again."""

from __future__ import annotations

import gc

from qualcode.services.collector import collector_paused


def _in(generation: int, thing: object) -> bool:
    return any(found is thing for found in gc.get_objects(generation))


def test_no_collection_inside_and_what_was_made_is_old_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        kept = [[i] for i in range(1000)]
    assert gc.isenabled()
    assert not _in(0, kept) and not _in(1, kept) and _in(2, kept)
    young = [[0]]
    assert _in(0, young)  # made after: young as usual


def test_a_pause_inside_a_pause_leaves_the_collector_to_the_outer_one() -> None:
    with collector_paused():
        with collector_paused():
            inner = [[1]]
        assert not gc.isenabled() and _in(0, inner)
    assert gc.isenabled() and _in(2, inner)

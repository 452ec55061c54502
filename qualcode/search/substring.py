"""Plain substring search in the database: the answer while the search index is built.

Building the ranked index reads and folds every quote (seconds on 100,000 quotes), so
the workbench answers the first keystrokes with this instead: quotes containing the
text as typed, case aside, in transcript order. Accents must then be typed as they are
written; the ranked, accent-forgiving results replace these as soon as the index is
ready.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from sqlalchemy import func
from sqlmodel import Session, col, select

from qualcode.db.models import Quote
from qualcode.search.hits import Hit


def substring_hits(session: Session, query: str, *, limit: int,
                   within: Collection[int] | None = None) -> list[Hit]:
    needle = " ".join(query.split())
    if not needle or limit <= 0:
        return []
    found = select(Quote.id, Quote.text).where(
        func.lower(Quote.text).contains(needle.lower(), autoescape=True)
    ).order_by(col(Quote.id))
    if within is None:
        found = found.limit(limit)
    wanted = re.compile(re.escape(needle), re.IGNORECASE)
    hits: list[Hit] = []
    for qid, text in session.exec(found):
        if within is not None and qid not in within:
            continue
        spans = tuple(m.span() for m in wanted.finditer(text))
        hits.append(Hit(int(qid or 0), 100.0, spans))
        if len(hits) == limit:
            break
    return hits

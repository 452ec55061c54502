"""The codings that carry more than a code: a segment of the quote, or a memo.

Few codings do, and a partial index holds only them (`ix_coding_marked`, schema 0005).
SQLite uses a partial index only for a query whose WHERE holds the index's own condition
word for word, so the index and the queries take it from here.
"""

MARKED = "span_start IS NOT NULL OR memo IS NOT NULL"

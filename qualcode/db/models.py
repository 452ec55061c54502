"""The project's tables.

Integrity lives in the schema, not only in Python: foreign keys, unique code names,
one coding per (quote, code, coder, span), one value per (group, dimension). A coding
with no span covers the whole quote; its span columns are NULL and the uniqueness
index folds NULL to -1 so that "whole quote" is counted once (SQL treats NULLs as
distinct otherwise). Every table is named explicitly so the Alembic history stays
readable. Times are stored in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, DateTime, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from qualcode.db.marked import MARKED


def utcnow() -> datetime:
    return datetime.now(UTC)


def _json(default: Any) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


def _when() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class Meta(SQLModel, table=True):
    """Key/value facts about the project (codebook name and version, creation time)."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class Study(SQLModel, table=True):
    """The study's title and free attributes (fieldwork dates, cities…); one row."""

    __tablename__ = "study"
    id: int | None = Field(default=None, primary_key=True)
    title: str
    attributes: dict[str, Any] = _json(dict)


class Dimension(SQLModel, table=True):
    """A factor of the design, e.g. `csp` or `age`."""

    __tablename__ = "dimension"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    position: int


class Level(SQLModel, table=True):
    """An ordered level of a dimension, e.g. `CSP+`, or `60+`."""

    __tablename__ = "level"
    __table_args__ = (UniqueConstraint("dimension_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    dimension_id: int = Field(foreign_key="dimension.id", ondelete="CASCADE")
    name: str
    position: int


class Group(SQLModel, table=True):
    """A focus group: one cell of the design plus its own attributes."""

    __tablename__ = "study_group"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    position: int = 0
    attributes: dict[str, Any] = _json(dict)


class GroupLevel(SQLModel, table=True):
    """Which level of each dimension a group sits in; one per (group, dimension)."""

    __tablename__ = "group_level"
    group_id: int = Field(foreign_key="study_group.id", primary_key=True, ondelete="CASCADE")
    dimension_id: int = Field(foreign_key="dimension.id", primary_key=True, ondelete="CASCADE")
    level_id: int = Field(foreign_key="level.id", ondelete="CASCADE")


class Participant(SQLModel, table=True):
    """A speaker of one group. Moderators are kept (for context) but never counted."""

    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("group_id", "label"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="study_group.id", ondelete="CASCADE")
    label: str
    is_moderator: bool = False
    attributes: dict[str, Any] = _json(dict)


class Source(SQLModel, table=True):
    """An imported file: a transcript kept verbatim, or a quote table.

    `content_hash` makes re-imports idempotent; `text` is the stored transcript the
    quotes' offsets point into (NULL for a quote table, whose rows stand alone).
    """

    __tablename__ = "source"
    __table_args__ = (UniqueConstraint("group_id", "content_hash"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int | None = Field(default=None, foreign_key="study_group.id", ondelete="CASCADE")
    name: str
    kind: str = Field(sa_column_kwargs={"server_default": "transcript"})
    format: str
    content_hash: str
    text: str | None = None
    imported_at: datetime = _when()
    imported_by: str | None = None


class Quote(SQLModel, table=True):
    """The unit of coding: one speaker turn, or one row of a quote table.

    `position` orders quotes within their group (transcript order); `start`/`end` are
    character offsets of the turn's text in its source transcript.
    """

    __tablename__ = "quote"
    __table_args__ = (
        UniqueConstraint("group_id", "position"),
        CheckConstraint("start IS NULL OR (start >= 0 AND \"end\" >= start)", name="offsets"),
        Index("ix_quote_source", "source_id"),
        Index("ix_quote_participant", "participant_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="study_group.id", ondelete="CASCADE")
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE")
    source_id: int | None = Field(default=None, foreign_key="source.id", ondelete="CASCADE")
    position: int
    start: int | None = None
    end: int | None = None
    text: str
    external_id: str | None = None
    text_hash: str = Field(index=True)


class Code(SQLModel, table=True):
    """A node of the codebook tree; names are unique across the whole tree."""

    __tablename__ = "code"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    parent_id: int | None = Field(default=None, foreign_key="code.id", ondelete="CASCADE")
    position: int = 0
    description: str = ""
    include: str = ""
    exclude: str = ""
    example: str = ""
    color: str | None = None
    key: str | None = None
    keywords: list[str] = _json(list)
    exclusive: bool = False


class Coder(SQLModel, table=True):
    """A team member, or one of the reserved coders `consensus` and `auto`."""

    __tablename__ = "coder"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)


class Coding(SQLModel, table=True):
    """One code applied to one quote by one coder, optionally to a span of it."""

    __tablename__ = "coding"
    __table_args__ = (
        Index(
            "uq_coding",
            "quote_id",
            "code_id",
            "coder_id",
            text("coalesce(span_start, -1)"),
            text("coalesce(span_end, -1)"),
            unique=True,
        ),
        # the quotes of a code answered from the index alone (migration 0006 says why)
        Index("ix_coding_code", "code_id", "quote_id", "coder_id"),
        Index("ix_coding_coder", "coder_id"),
        # the codings `quotes` shows beside the codes (migration 0005 says why)
        Index("ix_coding_marked", "quote_id",
              sqlite_where=text(MARKED), postgresql_where=text(MARKED)),
        CheckConstraint(
            "(span_start IS NULL AND span_end IS NULL) OR (span_start IS NOT NULL AND "
            "span_end IS NOT NULL AND span_start >= 0 AND span_end > span_start)",
            name="span",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    quote_id: int = Field(foreign_key="quote.id", ondelete="CASCADE")
    code_id: int = Field(foreign_key="code.id", ondelete="CASCADE")
    coder_id: int = Field(foreign_key="coder.id", ondelete="CASCADE")
    span_start: int | None = None
    span_end: int | None = None
    memo: str | None = None
    created_at: datetime = _when()


class Review(SQLModel, table=True):
    """A coder looked at a quote and found that no code applies."""

    __tablename__ = "review"
    quote_id: int = Field(foreign_key="quote.id", primary_key=True, ondelete="CASCADE")
    coder_id: int = Field(foreign_key="coder.id", primary_key=True, ondelete="CASCADE")
    created_at: datetime = _when()


class Assignment(SQLModel, table=True):
    """A quote a coder is to code as part of a double-coding sample (`qualcode assign`)."""

    __tablename__ = "assignment"
    quote_id: int = Field(foreign_key="quote.id", primary_key=True, ondelete="CASCADE")
    coder_id: int = Field(foreign_key="coder.id", primary_key=True, ondelete="CASCADE")
    created_at: datetime = _when()


class Comment(SQLModel, table=True):
    """One message of a team's discussion of a quote under review (append-only)."""

    __tablename__ = "comment"
    __table_args__ = (Index("ix_comment_quote", "quote_id"),)
    id: int | None = Field(default=None, primary_key=True)
    quote_id: int = Field(foreign_key="quote.id", ondelete="CASCADE")
    coder_id: int = Field(foreign_key="coder.id", ondelete="CASCADE")
    text: str
    created_at: datetime = _when()


class Memo(SQLModel, table=True):
    """A coder's note on a quote (notes on a coding live on the coding)."""

    __tablename__ = "memo"
    __table_args__ = (UniqueConstraint("quote_id", "coder_id"),)
    id: int | None = Field(default=None, primary_key=True)
    quote_id: int = Field(foreign_key="quote.id", ondelete="CASCADE")
    coder_id: int = Field(foreign_key="coder.id", ondelete="CASCADE")
    text: str
    updated_at: datetime = _when()


class Event(SQLModel, table=True):
    """Append-only journal of user actions: the audit log and the source of undo.

    `payload` holds what is needed to reverse the action; `undoes` links an undo to
    the event it reversed, so undo survives restarts and is itself audited.
    """

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_coder_at", "coder", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when()
    coder: str
    action: str
    payload: dict[str, Any] = _json(dict)
    undoes: int | None = Field(default=None, foreign_key="event.id")


class SearchWord(SQLModel, table=True):
    """A folded word of the search index's vocabulary, numbered once so that each quote's
    entry holds numbers, not the words again."""

    __tablename__ = "search_word"
    id: int | None = Field(default=None, primary_key=True)
    word: str = Field(unique=True)


class SearchEntry(SQLModel, table=True):
    """A quote's distinct folded words (`search_word` ids, little-endian int32), stamped
    with the `text_hash` of the text they were read from: a quote whose hash no longer
    matches (or with no entry) is indexed again by the next read, whichever writer
    changed it (`qualcode.search.kept`)."""

    __tablename__ = "search_entry"
    quote_id: int = Field(primary_key=True, foreign_key="quote.id", ondelete="CASCADE")
    text_hash: str
    words: bytes

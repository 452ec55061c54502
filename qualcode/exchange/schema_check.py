"""Checks a REFI-QDA document against the standard's own XML Schemas, shipped in `schemas/`.

The standard (§6) says an exchange file must validate against them. `export` checks
what it wrote, and an import warns about what another tool got wrong instead of
refusing it (real exports often break the schema in harmless ways). The schemas are
package data, read through `importlib.resources`, so an installed qualcode needs no
file outside itself. `xmlschema` is imported on first use only: it costs about 0.2 s,
which commands that never check a file should not pay.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Literal

from qualcode.i18n import _

if TYPE_CHECKING:
    import xmlschema

Kind = Literal["project", "codebook"]

SCHEMA_FILES: dict[Kind, str] = {"project": "Project-mrt2019.xsd",
                                 "codebook": "Codebook-mrt2019.xsd"}
NAMESPACES: dict[Kind, str] = {"project": "urn:QDA-XML:project:1.0",
                               "codebook": "urn:QDA-XML:codebook:1.0"}


def schema_bytes(kind: Kind) -> bytes:
    """The official XSD, byte for byte as REFI publishes it (see schemas/README.md)."""
    return files("qualcode.exchange").joinpath("schemas", SCHEMA_FILES[kind]).read_bytes()


@cache
def compiled_schema(kind: Kind) -> xmlschema.XMLSchema:
    """Compiled once per process (about 0.2 s each): exports and imports reuse it."""
    import io

    import xmlschema

    return xmlschema.XMLSchema(io.BytesIO(schema_bytes(kind)))


def schema_errors(xml: bytes, kind: Kind) -> list[str]:
    """Every way `xml` breaks the REFI-QDA `kind` schema, one readable line each; [] if valid.

    A line is the element's path (with its `name` or `guid` when it has one, so the
    user can find it among its siblings) and the validator's reason, without the
    namespace noise. The document is parsed without DTDs, entities or network access:
    it may come from anywhere.
    """
    import xmlschema

    try:
        resource = xmlschema.XMLResource(xml, defuse="always", allow="none")
        errors = list(compiled_schema(kind).iter_errors(resource))
    except xmlschema.XMLResourceError as exc:  # not well-formed, or a DTD/entity
        return [_("not readable as XML: {exc}").format(exc=exc)]
    namespace = "{" + NAMESPACES[kind] + "}"
    lines = []
    for error in errors:
        where = error.path or "/"
        element = error.elem
        if element is not None and hasattr(element, "get"):
            label = element.get("name") or element.get("guid")
            if label:
                where += f"[{label!r}]"
        reason = (error.reason or error.message).replace(namespace, "")
        lines.append(f"{where}: {reason}")
    return lines

"""Parsing XML from elsewhere: no DTD, no entities, no external references.

defusedxml refuses entity expansion ("billion laughs") and external entities; a
DTD is refused outright, since no REFI-QDA file needs one. Namespaces are stripped
from tag names after checking them: tools disagree on the version in the URN.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from qualcode.errors import UserError
from qualcode.i18n import _


def parse(data: bytes, where: str) -> tuple[Element, str | None]:
    """The root with local tag names, and the namespace the file declared (or None)."""
    import defusedxml
    from defusedxml import ElementTree as SafeTree

    try:
        root = SafeTree.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                   forbid_external=True)
    except defusedxml.DTDForbidden:
        raise UserError(
            _("refused: the XML declares a DTD (entity expansion is not accepted)"), path=where
        ) from None
    except defusedxml.EntitiesForbidden:
        raise UserError(_("refused: the XML declares entities"), path=where) from None
    except defusedxml.ExternalReferenceForbidden:
        raise UserError(_("refused: the XML refers to an external resource"), path=where) from None
    except LookupError as exc:  # <?xml encoding="bogus"?>
        raise UserError(
            _("the XML declares an encoding Python does not know ({exc})").format(exc=exc),
            path=where,
        ) from None
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        reason = str(exc).split(":")[0]
        raise UserError(
            _("not well-formed XML ({reason})").format(reason=reason), path=where, line=line
        ) from None
    namespace = None
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            ns, _brace, local = element.tag[1:].partition("}")
            namespace = namespace or ns
            element.tag = local
    return root, namespace

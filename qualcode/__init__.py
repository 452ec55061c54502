"""qualcode: code focus-group verbatims with a codebook, review as a team, report by group cell."""

__version__ = "0.1.0"


def version_line() -> str:
    """What `qualcode --version` prints."""
    return f"qualcode {__version__}"

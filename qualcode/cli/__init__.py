"""`qualcode` command line: a thin shell over the services.

The package loads nothing itself. The whole command line (Typer and every command) is
`cli.whole`, loaded when `main` or `invoked` is first asked for here, so that the quick
path (`cli.quick`) starts without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qualcode.cli.whole import invoked, main

__all__ = ["invoked", "main"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from qualcode.cli import whole

        return getattr(whole, name)
    raise AttributeError(f"module 'qualcode.cli' has no attribute {name!r}")

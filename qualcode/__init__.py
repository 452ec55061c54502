"""qualcode: code focus-group verbatims with a codebook, review as a team, report by group cell."""

__version__ = "0.1.0"

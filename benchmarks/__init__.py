"""The benchmark harness: `make bench` (never part of `make test`'s timings)."""

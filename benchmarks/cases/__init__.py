"""One module per area, each defining `CASES: list[Case]` (see `benchmarks.harness`)."""

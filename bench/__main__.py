"""Every benchmark, one after the other: `make bench` (or `python -m bench`).

Each benchmark is a module with `main(argv) -> int`; add new ones to BENCHMARKS.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ["bench.matching", "bench.sweeps"]


def main() -> int:
    failed = 0
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        failed |= importlib.import_module(name).main([])
    return failed


if __name__ == "__main__":
    sys.exit(main())

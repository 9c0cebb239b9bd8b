"""Benchmark: batch CSV through the server with the log on PostgreSQL (binary COPY).

The same run as bench/batch_csv.py, on a fresh database of DRIFTSCOPE_BENCH_POSTGRES
(default postgres@127.0.0.1:5432), server side only (the in-process scorer logs nothing):

    uv run --frozen python bench/batch_csv_postgres.py [--rows 100000 1000000]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch_csv import POSTGRES_SERVER, main

if __name__ == "__main__":
    sys.argv[1:1] = ["--postgres", POSTGRES_SERVER, "--no-local"]
    main()

"""Container healthcheck with the standard library only (slim images have no curl).

    python healthcheck.py --http URL [--http URL ...] [--process WORD]

Exit 0 when every URL answers 2xx within 3 s and, with --process, PID 1's command line
contains WORD (the container's main process is the expected one and not a zombie).
"""

from __future__ import annotations

import argparse
import sys
import urllib.request
from pathlib import Path


def http_ok(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return None if 200 <= response.status < 300 else f"{url}: HTTP {response.status}"
    except Exception as exc:  # any failure is "unhealthy"; say which
        return f"{url}: {exc}"


def process_ok(word: str, proc: Path = Path("/proc/1")) -> str | None:
    try:
        argv = (proc / "cmdline").read_bytes().split(b"\0")
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError as exc:
        return f"pid 1 unreadable: {exc}"
    if word.encode() not in argv:
        return f"pid 1 is not '{word}': {b' '.join(argv).decode(errors='replace')}"
    return "pid 1 is a zombie" if state == "Z" else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--http", action="append", default=[], metavar="URL")
    parser.add_argument("--process", metavar="WORD")
    args = parser.parse_args(argv)
    problems = [p for p in map(http_ok, args.http) if p]
    if args.process and (problem := process_ok(args.process)):
        problems.append(problem)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

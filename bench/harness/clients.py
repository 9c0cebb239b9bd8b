"""Load generators: wrk (C, the headline) and bench/loadgen.py (Python), closed loop."""

from __future__ import annotations

import itertools
import re
import resource
import statistics
import subprocess
from pathlib import Path
from typing import Any

import loadgen


def wrk_closed(url: str, connections: int, duration_s: float, lua: Path | None) -> dict[str, Any]:
    """One wrk run (1 thread): requests/s, responses, non-2xx, socket errors, client CPU."""
    if not 0 < duration_s <= loadgen.MAX_DURATION_S:
        raise ValueError("duration out of bounds")
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration_s:g}s", "--timeout", "5s"]
    if lua is not None:
        cmd += ["-s", str(lua)]
    cmd.append(url)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        cmd, capture_output=True, text=True, check=True, timeout=duration_s + 30
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    requests = int(re.search(r"(\d+) requests in ([\d.]+)(m?s)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = int(non2xx.group(1)) if non2xx else 0
    return {
        "tool": "wrk",
        "connections": connections,
        "duration_s": duration_s,
        "rps": rps,
        "requests": requests,
        "responses_2xx": requests - bad,
        "non_2xx": bad,
        "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0,
        "client_cpu_s": round(
            (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 3
        ),
    }


def py_closed(port: int, path: str, body: bytes | None, connections: int, duration_s: float
              ) -> dict[str, Any]:  # fmt: skip
    target = loadgen.Target.build(
        f"http://127.0.0.1:{port}{path}", "POST" if body is not None else "GET", body
    )
    result = loadgen.run(loadgen.closed_loop(target, connections, duration_s))
    data = loadgen.result_dict(result)
    data["tool"] = "loadgen.py"
    data["non_2xx"] = sum(n for s, n in result.status_counts.items() if not s.startswith("2"))
    data["socket_errors"] = result.errors
    return data


def stall_episodes(samples: list[tuple[float, float]], limit_ms: float) -> dict[str, Any]:
    """Clusters of requests slower than `limit_ms` (a gap > 50 ms starts a new cluster)."""
    slow = [(t, lat) for t, lat in samples if lat > limit_ms]
    starts: list[float] = []
    worst: list[float] = []
    last = -1.0
    for t, lat in slow:
        if not starts or t - last > 0.05:
            starts.append(t)
            worst.append(lat)
        else:
            worst[-1] = max(worst[-1], lat)
        last = t
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    return {
        "limit_ms": limit_ms,
        "slow_requests": len(slow),
        "slow_fraction": round(len(slow) / max(len(samples), 1), 4),
        "episodes": len(starts),
        "median_interval_ms": round(statistics.median(gaps) * 1e3, 1) if gaps else None,
        "median_worst_latency_ms": round(statistics.median(worst), 2) if worst else None,
    }

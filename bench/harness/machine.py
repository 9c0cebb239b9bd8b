"""The machine a benchmark ran on, and CPU accounting per phase (server, client, others)."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

CLK_TCK = os.sysconf("SC_CLK_TCK")


def machine_info() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    mhz = re.findall(r"^cpu MHz\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))  # type: ignore[union-attr]
    os_name = platform.system()
    with contextlib.suppress(OSError):
        release = Path("/etc/os-release").read_text()
        if m := re.search(r'^PRETTY_NAME="?([^"\n]+)', release, re.M):
            os_name = m.group(1)
    wrk = shutil.which("wrk")
    wrk_version = None
    if wrk:
        out = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
        wrk_version = (out.stdout + out.stderr).splitlines()[0].split(" Copyright")[0].strip()
    versions = {}
    for pkg in ("uvicorn", "uvloop", "httptools", "fastapi", "starlette", "pydantic",
                "pydantic-core", "orjson", "sqlalchemy", "aiosqlite", "xgboost"):  # fmt: skip
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[pkg] = metadata.version(pkg)
    return {
        "nproc": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)),
        "cpu_model": models[0] if models else platform.processor() or "unknown",
        "cpu_mhz": round(float(mhz[0])) if mhz else None,
        "memory_gib": round(mem_kb / 2**20, 1),
        "os": os_name,
        "kernel": platform.release(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "wrk": wrk_version,
        "packages": versions,
    }


# --------------------------------------------------------------------------- CPU accounting


def _machine_ticks() -> dict[str, int]:
    """Jiffies over all CPUs since boot: process time, irq + softirq, steal, total."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    f += [0] * (8 - len(f))
    # user nice system idle iowait irq softirq steal (guest time is inside user)
    return {"proc": f[0] + f[1] + f[2], "irq": f[5] + f[6], "steal": f[7], "total": sum(f[:8])}


def _proc_ticks(path: str) -> int:
    try:
        stat = Path(path).read_text()
    except OSError:
        return 0
    parts = stat[stat.rindex(")") + 2 :].split()
    return int(parts[11]) + int(parts[12])  # utime + stime


@dataclass
class CpuWindow:
    """CPU use during one phase, in % of one core (the machine has `nproc` cores).

    `other_pct` is process time of everything but the server and the client (other users'
    tests and servers); interrupt/softirq time (loopback networking) and VM steal are
    reported apart, since our own traffic causes the former.
    """

    server_pid: int
    wall: float = 0.0
    server_pct: float = 0.0
    server_main_thread_pct: float = 0.0
    _machine: dict[str, float] = field(default_factory=dict, repr=False)
    _start: dict[str, Any] = field(default_factory=dict, repr=False)

    def __enter__(self) -> CpuWindow:
        self._start = {
            "t": time.perf_counter(),
            "m": _machine_ticks(),
            "server": _proc_ticks(f"/proc/{self.server_pid}/stat"),
            "main": _proc_ticks(f"/proc/{self.server_pid}/task/{self.server_pid}/stat"),
        }
        return self

    def __exit__(self, *_exc: object) -> None:
        m1, s = _machine_ticks(), self._start
        self.wall = time.perf_counter() - s["t"]
        per_core = 100.0 / CLK_TCK / self.wall
        self.server_pct = (_proc_ticks(f"/proc/{self.server_pid}/stat") - s["server"]) * per_core
        main_now = _proc_ticks(f"/proc/{self.server_pid}/task/{self.server_pid}/stat")
        self.server_main_thread_pct = (main_now - s["main"]) * per_core
        d_total = max(m1["total"] - s["m"]["total"], 1)
        scale = 100.0 * (os.cpu_count() or 1) / d_total
        self._machine = {k: (m1[k] - s["m"][k]) * scale for k in ("proc", "irq", "steal")}

    def finish(self, client_cpu_s: float) -> dict[str, float]:
        client_pct = client_cpu_s / self.wall * 100.0
        other = max(0.0, self._machine["proc"] - self.server_pct - client_pct)
        return {
            "server_pct": round(self.server_pct, 1),
            "server_main_thread_pct": round(self.server_main_thread_pct, 1),
            "client_pct": round(client_pct, 1),
            "other_pct": round(other, 1),
            "irq_softirq_pct": round(self._machine["irq"], 1),
            "steal_pct": round(self._machine["steal"], 1),
        }


def background_load(seconds: float, exclude_pid: int | None = None) -> float:
    """% of one core of process time on the machine (minus `exclude_pid`) over `seconds`."""
    m0 = _machine_ticks()
    x0 = _proc_ticks(f"/proc/{exclude_pid}/stat") if exclude_pid else 0
    time.sleep(seconds)
    m1 = _machine_ticks()
    x1 = _proc_ticks(f"/proc/{exclude_pid}/stat") if exclude_pid else 0
    busy = (m1["proc"] - m0["proc"]) - (x1 - x0)
    total = max(m1["total"] - m0["total"], 1)
    return round(max(busy, 0) / total * 100.0 * (os.cpu_count() or 1), 1)


class QuietGate:
    """Before a phase, wait until other processes use < `limit_pct` of a core.

    Waiting is bounded by one budget for the whole run; once it is spent, phases run anyway
    (and are marked contended when other processes were busy during them).
    """

    def __init__(self, limit_pct: float, budget_s: float, exclude_pid: int) -> None:
        self.limit_pct, self.budget_s, self.exclude_pid = limit_pct, budget_s, exclude_pid
        self.waited_s = 0.0
        self.first_load: float | None = None

    def wait(self) -> float:
        while True:
            t0 = time.monotonic()
            load = background_load(2.0, self.exclude_pid)
            if self.first_load is None:
                self.first_load = load
            if load < self.limit_pct or self.waited_s >= self.budget_s:
                return load
            self.waited_s += time.monotonic() - t0
            print(f"  other processes busy ({load:.0f}% of a core); waiting", file=sys.stderr)

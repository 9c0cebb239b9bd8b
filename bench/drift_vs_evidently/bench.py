"""Drift engine vs Evidently's DataDriftPreset on the same data, in the same run.

Reference: 50,000 generated transactions (12 contract features, label dropped). Current sets
of 50,000 and 1,000,000 rows in three scenarios:

* ``none``  – clean data from another seed: nothing should drift;
* ``drift`` – sudden +1 σ on amount and distance_from_home_km, and half of the rows of channel
  and merchant_category moved to one category (merchant_category also gets 15 % of an unseen
  category); amount_to_avg_ratio is derived from amount, so it moves too (5 features);
* ``weak``  – the same at intensity 0.07 (+0.07 σ, 3.5 % moved, 1 % unseen): the small
  shifts where the two rule sets can disagree.

Timed (wall and CPU, median of runs):

* ``compare(reference_df, current_df)`` — the notebook path, from raw reference data;
* ``compare_to_profile(profile, current_df, scores)`` — the worker's counting path against a
  stored profile (``build_profile``, built once, not timed; the scores are a stand-in
  probability derived from the generator's fraud log-odds, so the prediction-drift test runs
  as in the worker: 13 columns instead of 12);
* Evidently: ``Dataset.from_pandas`` of both frames + ``Report([DataDriftPreset()]).run``.

Per feature it compares the drift decisions (ours vs Evidently's ValueDrift test) and prints
the statistics behind them. With the project venv (.venv, pandas 3) present, our two paths
are also timed there, in a subprocess, on the same data (same seeds, same numpy).

    bench/drift_vs_evidently/run.sh            # creates var/bench-evidently, then runs this
    bench/drift_vs_evidently/run.sh --quick    # smoke test (small sizes, one run each)

Run from the project venv (``scripts/bench.sh drift_vs_evidently``) it re-executes itself
through run.sh: Evidently needs pandas < 3 and is never installed into the project venv.
Writes bench/results/drift_vs_evidently.json (and .md, the printed tables).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"
PROJECT_PYTHON = REPO_ROOT / ".venv" / "bin" / "python"
COMMAND = "bench/drift_vs_evidently/run.sh"
GOAL_RATIO = 30.0  # Evidently time / our compare time at the largest size
CLK_TCK = os.sysconf("SC_CLK_TCK")

REFERENCE_SEED = 1
SCENARIOS: dict[str, float] = {"none": 0.0, "drift": 1.0, "weak": 0.07}
SCENARIO_SEED = {"none": 11, "drift": 12, "weak": 13}
DESIGNED = ("amount", "distance_from_home_km", "channel", "merchant_category")
DERIVED = ("amount_to_avg_ratio",)  # recomputed from amount: moves with it


# --------------------------------------------------------------------------- machine, load


def machine_info() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))  # type: ignore[union-attr]
    versions = {}
    for pkg in ("numpy", "pandas", "scipy", "evidently", "driftscope-core"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[pkg] = metadata.version(pkg)
    return {
        "nproc": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)),
        "cpu_model": models[0] if models else platform.processor() or "unknown",
        "memory_gib": round(mem_kb / 2**20, 1),
        "kernel": platform.release(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "executable": sys.executable,
        "packages": versions,
    }


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _busy_ticks() -> int:
    """Busy jiffies of the whole machine (user+nice+system+irq+softirq+steal)."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    f += [0] * (8 - len(f))
    return f[0] + f[1] + f[2] + f[5] + f[6] + f[7]


def _own_ticks() -> int:
    stat = Path("/proc/self/stat").read_text()
    parts = stat[stat.rindex(")") + 2 :].split()
    return int(parts[11]) + int(parts[12])


@dataclass
class Timing:
    wall_s: float
    cpu_s: float
    other_pct: float  # CPU of every other process meanwhile, % of one core

    def as_dict(self) -> dict[str, float]:
        return {"wall_s": self.wall_s, "cpu_s": self.cpu_s, "other_pct": self.other_pct}


def timed(fn: Callable[[], Any]) -> tuple[Timing, Any]:
    gc.collect()
    busy0, own0 = _busy_ticks(), _own_ticks()
    c0, t0 = time.process_time(), time.perf_counter()
    result = fn()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    other = (_busy_ticks() - busy0) - (_own_ticks() - own0)
    other_pct = max(0.0, 100.0 * other / CLK_TCK / wall) if wall > 0 else 0.0
    return Timing(round(wall, 4), round(cpu, 4), round(other_pct, 1)), result


def summary(runs: list[Timing]) -> dict[str, Any]:
    return {
        "runs": [r.as_dict() for r in runs],
        "median_wall_s": round(statistics.median(r.wall_s for r in runs), 4),
        "median_cpu_s": round(statistics.median(r.cpu_s for r in runs), 4),
        "min_wall_s": round(min(r.wall_s for r in runs), 4),
        "median_other_pct": round(statistics.median(r.other_pct for r in runs), 1),
    }


# --------------------------------------------------------------------------- data


def _scenario(intensity: float) -> Any:
    from driftscope.generator import Scenario
    from driftscope.scenarios import make_scenario

    if intensity <= 0:
        return Scenario()

    class SuddenAndCategorical(Scenario):
        name = "sudden+categorical"

        def __init__(self) -> None:
            self.parts = [
                make_scenario("sudden", intensity),
                make_scenario("categorical", intensity),
            ]

        def shift_inputs(self, columns: Any, rng: np.random.Generator) -> None:
            for part in self.parts:
                part.shift_inputs(columns, rng)

    return SuddenAndCategorical()


class ScoreProxy:
    """A stand-in model score (the worker profiles and tests it as prediction drift)."""

    def __init__(self, reference_columns: dict[str, np.ndarray]) -> None:
        from driftscope.generator import fraud_logit

        z = fraud_logit(reference_columns)
        self.mean, self.std = float(z.mean()), float(z.std())

    def __call__(self, columns: dict[str, np.ndarray]) -> np.ndarray:
        from driftscope.generator import fraud_logit

        z = (fraud_logit(columns) - self.mean) / self.std
        return 1.0 / (1.0 + np.exp(-(1.5 * z - 3.2)))


def make_data(n: int, seed: int, intensity: float) -> tuple[Any, dict[str, np.ndarray]]:
    """(12-feature DataFrame, raw columns) — the label is dropped."""
    import pandas as pd

    from driftscope.contract import FRAUD_CONTRACT
    from driftscope.generator import generate_columns

    columns = generate_columns(n, seed=seed, scenario=_scenario(intensity))
    frame = pd.DataFrame({name: columns[name] for name in FRAUD_CONTRACT.names})
    return frame, columns


def categorical_names() -> list[str]:
    from driftscope.contract import FRAUD_CONTRACT

    return [f.name for f in FRAUD_CONTRACT.features if f.is_categorical]


# --------------------------------------------------------------------------- our engine


def our_decisions(report: Any) -> dict[str, dict[str, Any]]:
    out = {}
    for name, f in report.features.items():
        out[name] = {
            "drifted": bool(f.drifted),
            "test": f.test,
            "psi": round(float(f.psi), 5),
            "psi_warn": round(float(f.warn_threshold), 5),
            "q_value": float(f.q_value),
            "ks": None if f.ks_statistic is None else round(float(f.ks_statistic), 5),
            "wasserstein_norm": None
            if f.wasserstein_norm is None
            else round(float(f.wasserstein_norm), 5),
            "js": None if f.js_distance is None else round(float(f.js_distance), 5),
        }
    return out


class Ours:
    def __init__(self, reference: Any, reference_columns: dict[str, np.ndarray]) -> None:
        from driftscope.contract import FRAUD_CONTRACT
        from driftscope.profile import build_profile

        self.reference = reference
        self.categorical = categorical_names()
        self.score = ScoreProxy(reference_columns)
        t, self.profile = timed(
            lambda: build_profile(FRAUD_CONTRACT, reference, self.score(reference_columns))
        )
        self.profile_build = t.as_dict()

    def compare(self, current: Any) -> Any:
        from driftscope.drift import compare

        return compare(self.reference, current, categorical=self.categorical)

    def counting(self, current: Any, scores: np.ndarray) -> Any:
        from driftscope.drift import compare_to_profile

        return compare_to_profile(self.profile, current, scores)

    def measure(self, current: Any, columns: dict[str, np.ndarray], repeats: int) -> dict:
        scores = self.score(columns)
        compare_runs, counting_runs = [], []
        report: Any = None
        profile_report: Any = None
        for _ in range(repeats):
            t, report = timed(lambda: self.compare(current))
            compare_runs.append(t)
            t, profile_report = timed(lambda: self.counting(current, scores))
            counting_runs.append(t)
        return {
            "compare": summary(compare_runs),
            "counting": summary(counting_runs),
            "compare_decisions": our_decisions(report),
            "counting_decisions": our_decisions(profile_report),
            "compare_share": report.dataset_drift_share,
            "counting_share": profile_report.dataset_drift_share,
            "counting_prediction_drifted": bool(profile_report.prediction.drifted)
            if profile_report.prediction
            else None,
        }


# --------------------------------------------------------------------------- Evidently


class Evidently:
    def __init__(self, names: list[str]) -> None:
        from evidently import DataDefinition

        cat = categorical_names()
        self.definition = DataDefinition(
            numerical_columns=[n for n in names if n not in cat], categorical_columns=cat
        )

    def run(self, reference: Any, current: Any) -> Any:
        from evidently import Dataset, Report
        from evidently.presets import DataDriftPreset

        ref = Dataset.from_pandas(reference, data_definition=self.definition)
        cur = Dataset.from_pandas(current, data_definition=self.definition)
        return Report([DataDriftPreset()], include_tests=True).run(
            current_data=cur, reference_data=ref
        )

    @staticmethod
    def decisions(snapshot: Any) -> tuple[dict[str, dict[str, Any]], float | None]:
        data = snapshot.dict()
        out: dict[str, dict[str, Any]] = {}
        share = None
        for m in data["metrics"]:
            cfg = m["config"]
            if cfg["type"].endswith("ValueDrift"):
                out[cfg["column"]] = {
                    "score": round(float(m["value"]), 5),
                    "method": cfg.get("method"),
                    "threshold": cfg.get("threshold"),
                }
            elif cfg["type"].endswith("DriftedColumnsCount"):
                share = float(m["value"]["share"])
        for t in data["tests"]:
            params = t.get("metric_config", {}).get("params", {})
            if params.get("type", "").endswith("ValueDrift"):
                out[params["column"]]["drifted"] = t["status"] == "FAIL"
        return out, share


# --------------------------------------------------------------------------- ours-only mode


def ours_only(args: argparse.Namespace) -> int:
    """Time our two paths (the project venv calls this through a subprocess)."""
    reference, ref_columns = make_data(args.reference, REFERENCE_SEED, 0.0)
    ours = Ours(reference, ref_columns)
    warm, warm_cols = make_data(2_000, 99, 1.0)
    ours.measure(warm, warm_cols, 1)
    out: dict[str, Any] = {"machine": machine_info(), "profile_build": ours.profile_build}
    for scenario in args.scenarios:
        for size in args.sizes:
            current, columns = make_data(size, SCENARIO_SEED[scenario], SCENARIOS[scenario])
            out[f"{scenario}/{size}"] = ours.measure(current, columns, args.repeats)
            del current, columns
    Path(args.ours_only).write_text(json.dumps(out))
    return 0


def project_venv_run(args: argparse.Namespace) -> dict[str, Any] | None:
    if args.no_project_venv or not PROJECT_PYTHON.exists():
        return None
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        path = Path(tmp.name)
    cmd = [
        str(PROJECT_PYTHON),
        str(Path(__file__).resolve()),
        "--ours-only",
        str(path),
        "--reference",
        str(args.reference),
        "--sizes",
        ",".join(map(str, args.sizes)),
        "--scenarios",
        ",".join(args.scenarios),
        "--repeats",
        str(args.repeats),
    ]
    print(f"project venv: timing our paths with {PROJECT_PYTHON} ...", flush=True)
    try:
        proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(f"project venv run failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
            return None
        return json.loads(path.read_text())
    finally:
        path.unlink(missing_ok=True)


# --------------------------------------------------------------------------- profile


def profile_compare(ours: Ours, current: Any, label: str) -> dict[str, Any]:
    """cProfile of one compare() call: top functions by own time (and pyinstrument text)."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    ours.compare(current)
    prof.disable()
    total = time.perf_counter() - t0
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        short = re.sub(r".*/(site-packages|src)/", "", file)
        rows.append({"function": f"{short}:{line}({func})", "calls": nc, "own_s": tt, "cum_s": ct})
    own = sorted(rows, key=lambda r: r["own_s"], reverse=True)[:15]
    cum = [
        r
        for r in sorted(rows, key=lambda r: r["cum_s"], reverse=True)
        if "driftscope" in r["function"]
    ][:15]
    text = [
        f"cProfile of compare() on {label}: {total:.3f} s under the profiler",
        "",
        "by own time:",
    ]
    text += [f"  {r['own_s']:7.3f} s {r['calls']:6d}  {r['function']}" for r in own]
    text += ["", "driftscope functions by cumulative time:"]
    text += [f"  {r['cum_s']:7.3f} s {r['calls']:6d}  {r['function']}" for r in cum]
    with contextlib.suppress(ImportError):
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
        ours.compare(current)
        profiler.stop()
        text += ["", "pyinstrument:", profiler.output_text(show_all=False)]
    return {"label": label, "total_s": round(total, 4), "by_own": own, "by_cum": cum, "text": text}


# --------------------------------------------------------------------------- report


def fmt_s(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def _mark(d: bool | None) -> str:
    return "–" if d is None else ("DRIFT" if d else ".")


def tables(result: dict[str, Any]) -> list[str]:
    lines = []
    cases = result["cases"]
    lines.append(
        "| scenario | current rows | ours compare, wall (CPU) | ours counting, wall (CPU) | "
        "Evidently, wall (CPU) [runs] | Ev/compare wall · CPU | Ev/counting wall · CPU | "
        "pandas 3: compare · counting CPU | Ev CPU / pandas-3 CPU, compare · counting | "
        "agreement compare · counting |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")

    def wc(t: dict[str, Any]) -> str:
        return f"{fmt_s(t['median_wall_s'])} ({fmt_s(t['median_cpu_s'])})"

    for key, c in cases.items():
        scenario, size = key.split("/")
        o, e, p3 = c["ours"], c["evidently"]["time"], c.get("project_venv")
        p3_cpu = p3_ratio = "–"
        if p3:
            p3_cpu = (
                f"{fmt_s(p3['compare']['median_cpu_s'])} · {fmt_s(p3['counting']['median_cpu_s'])}"
            )
            p3_ratio = f"{c['ratio_p3_compare_cpu']:.1f}× · {c['ratio_p3_counting_cpu']:.1f}×"
        lines.append(
            f"| {scenario} | {int(size):,} | {wc(o['compare'])} | {wc(o['counting'])} | "
            f"{wc(e)} [{len(e['runs'])}] | "
            f"{c['ratio_compare_wall']:.1f}× · {c['ratio_compare_cpu']:.1f}× | "
            f"{c['ratio_counting_wall']:.1f}× · {c['ratio_counting_cpu']:.1f}× | "
            f"{p3_cpu} | {p3_ratio} | "
            f"{c['agreement_compare']}/12 · {c['agreement_counting']}/12 |"
        )
    lines.append("")
    for scenario in result["config"]["scenarios"]:
        sizes = result["config"]["sizes"]
        lines.append(f"### scenario `{scenario}` — decisions (compare · counting · Evidently)")
        lines.append("")
        head = "| feature |" + "".join(
            f" {s:,}: ours · count · Ev | PSI / q | Ev score (method) |" for s in sizes
        )
        lines.append(head)
        lines.append("|---|" + "---|---|---|" * len(sizes))
        names = list(cases[f"{scenario}/{sizes[0]}"]["ours"]["compare_decisions"])
        for name in names:
            row = (
                f"| {name}{' *' if scenario != 'none' and name in (*DESIGNED, *DERIVED) else ''} |"
            )
            for size in sizes:
                c = cases[f"{scenario}/{size}"]
                o = c["ours"]["compare_decisions"][name]
                p = c["ours"]["counting_decisions"][name]
                e = c["evidently"]["decisions"][name]
                flag = "" if o["drifted"] == e["drifted"] else " ≠"
                method = {"Wasserstein distance (normed)": "W/σ", "Jensen-Shannon distance": "JS"}
                row += (
                    f" {_mark(o['drifted'])} · {_mark(p['drifted'])} · {_mark(e['drifted'])}{flag} |"
                    f" {o['psi']:.3f} / {o['q_value']:.2g} |"
                    f" {e['score']:.3f} ({method.get(e['method'], e['method'])}) |"
                )
            lines.append(row)
        lines.append("")
    return lines


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smoke test: small sizes, one run each")
    p.add_argument("--reference", type=int, default=50_000, help="reference rows")
    p.add_argument("--sizes", default="50000,1000000", help="current rows, comma-separated")
    p.add_argument("--scenarios", default=",".join(SCENARIOS), help="of: none, drift, weak")
    p.add_argument("--repeats", type=int, default=3, help="runs of our paths (median)")
    p.add_argument("--evidently-repeats", type=int, default=3,
                   help="Evidently runs per case at most (1M rows: extra runs only within budget)")  # fmt: skip
    p.add_argument("--budget", type=float, default=540.0, metavar="S",
                   help="stop adding optional Evidently runs past this many seconds")  # fmt: skip
    p.add_argument("--large", type=int, default=500_000,
                   help="sizes from here get one mandatory Evidently run, the rest by budget")  # fmt: skip
    p.add_argument("--profile", action="store_true", help="cProfile (and pyinstrument) compare")
    p.add_argument("--strict", action="store_true", help="exit 1 if the ratio goal is not met")
    p.add_argument("--no-project-venv", action="store_true",
                   help="do not time our paths in .venv (pandas 3) too")  # fmt: skip
    p.add_argument("--json", type=Path, default=RESULTS_DIR / "drift_vs_evidently.json")
    p.add_argument("--ours-only", metavar="PATH", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.reference, args.sizes, args.repeats, args.evidently_repeats = (
            20_000,
            "20000,250000",
            1,
            1,
        )
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s]
    args.scenarios = [s for s in str(args.scenarios).split(",") if s]
    bad = [s for s in args.scenarios if s not in SCENARIOS]
    if bad:
        p.error(f"unknown scenario(s) {bad}; choose from {list(SCENARIOS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.ours_only:
        return ours_only(args)
    try:
        import evidently  # noqa: F401
    except ImportError:
        if os.environ.get("DRIFT_VS_EVIDENTLY_REEXEC"):
            print("evidently is not importable even in the bench venv", file=sys.stderr)
            return 2
        # The project venv (scripts/bench.sh): Evidently lives in its own venv; run.sh makes it.
        os.environ["DRIFT_VS_EVIDENTLY_REEXEC"] = "1"
        runner = str(BENCH_DIR / "run.sh")
        os.execv(
            "/usr/bin/env", ["env", "bash", runner, *(argv if argv is not None else sys.argv[1:])]
        )

    import warnings

    warnings.filterwarnings("ignore")  # Evidently's and scipy's chatter, not ours
    from driftscope.contract import FRAUD_CONTRACT

    started = time.perf_counter()
    result: dict[str, Any] = {
        "benchmark": "drift_vs_evidently",
        "command": COMMAND + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else ""),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine_info(),
        "load_start": loadavg(),
        "config": {
            "reference_rows": args.reference,
            "sizes": args.sizes,
            "scenarios": args.scenarios,
            "intensities": {s: SCENARIOS[s] for s in args.scenarios},
            "repeats_ours": args.repeats,
            "evidently_repeats_max": args.evidently_repeats,
            "budget_s": args.budget,
        },
        "cases": {},
    }
    print(f"load average at start: {result['load_start']}  ({result['machine']['cpu_model']}, "
          f"{result['machine']['nproc']} cores)", flush=True)  # fmt: skip

    project = project_venv_run(args)
    if project:
        result["project_venv"] = {
            "machine": project["machine"],
            "profile_build": project["profile_build"],
        }

    reference, ref_columns = make_data(args.reference, REFERENCE_SEED, 0.0)
    ours = Ours(reference, ref_columns)
    ev = Evidently(FRAUD_CONTRACT.names)
    result["profile_build"] = ours.profile_build
    warm, warm_cols = make_data(2_000, 99, 1.0)  # imports, caches, first-call costs
    ours.measure(warm, warm_cols, 1)
    ev.run(reference.iloc[:2_000], warm)

    large: dict[str, Any] = {}  # key -> current frame kept for optional Evidently runs
    for scenario in args.scenarios:
        for size in args.sizes:
            key = f"{scenario}/{size}"
            current, columns = make_data(size, SCENARIO_SEED[scenario], SCENARIOS[scenario])
            case: dict[str, Any] = {"ours": ours.measure(current, columns, args.repeats)}
            if project:
                case["project_venv"] = project.get(key)
            runs = []
            n_runs = 1 if size >= args.large else args.evidently_repeats
            for _ in range(n_runs):
                t, snapshot = timed(functools.partial(ev.run, reference, current))
                runs.append(t)
            decisions, share = Evidently.decisions(snapshot)
            case["evidently"] = {"runs": runs, "decisions": decisions, "share": share}
            result["cases"][key] = case
            if size >= args.large and args.evidently_repeats > 1:
                large[key] = current
            print(f"{key}: compare {fmt_s(case['ours']['compare']['median_wall_s'])}, "
                  f"counting {fmt_s(case['ours']['counting']['median_wall_s'])}, "
                  f"Evidently {fmt_s(runs[0].wall_s)}  (elapsed {time.perf_counter() - started:.0f} s, "
                  f"load {loadavg()[0]})", flush=True)  # fmt: skip
            del columns

    # Optional extra Evidently runs on the large sizes, round-robin, within the time budget.
    for _round in range(args.evidently_repeats - 1):
        for key, current in large.items():
            runs = result["cases"][key]["evidently"]["runs"]
            if time.perf_counter() - started + 1.2 * max(r.wall_s for r in runs) > args.budget:
                continue
            t, _ = timed(functools.partial(ev.run, reference, current))
            runs.append(t)
            print(f"{key}: Evidently extra run {fmt_s(t.wall_s)}", flush=True)

    if args.profile:
        key = f"{'drift' if 'drift' in args.scenarios else args.scenarios[0]}/{max(args.sizes)}"
        current = large.get(key)
        if current is None:
            scenario, size = key.split("/")
            current, _ = make_data(int(size), SCENARIO_SEED[scenario], SCENARIOS[scenario])
        result["profile"] = profile_compare(ours, current, f"{key} rows")
    large.clear()

    for case in result["cases"].values():
        runs = case["evidently"].pop("runs")
        case["evidently"]["time"] = summary(runs)
        o, e = case["ours"], case["evidently"]
        case["ratio_compare_wall"] = e["time"]["median_wall_s"] / o["compare"]["median_wall_s"]
        case["ratio_compare_cpu"] = e["time"]["median_cpu_s"] / o["compare"]["median_cpu_s"]
        case["ratio_counting_wall"] = e["time"]["median_wall_s"] / o["counting"]["median_wall_s"]
        case["ratio_counting_cpu"] = e["time"]["median_cpu_s"] / o["counting"]["median_cpu_s"]
        for path in ("compare", "counting"):
            d = o[f"{path}_decisions"]
            case[f"agreement_{path}"] = sum(
                d[n]["drifted"] == e["decisions"][n]["drifted"] for n in d
            )
            case[f"disagreements_{path}"] = [
                n for n in d if d[n]["drifted"] != e["decisions"][n]["drifted"]
            ]
        case["ours_vs_counting_differ"] = [
            n
            for n in o["compare_decisions"]
            if o["compare_decisions"][n]["drifted"] != o["counting_decisions"][n]["drifted"]
        ]
        p3 = case.get("project_venv")
        if p3:
            case["ratio_p3_compare_cpu"] = e["time"]["median_cpu_s"] / p3["compare"]["median_cpu_s"]
            case["ratio_p3_counting_cpu"] = (
                e["time"]["median_cpu_s"] / p3["counting"]["median_cpu_s"]
            )
            case["pandas3_same_decisions"] = all(
                p3["compare_decisions"][n]["drifted"] == o["compare_decisions"][n]["drifted"]
                and p3["counting_decisions"][n]["drifted"] == o["counting_decisions"][n]["drifted"]
                for n in o["compare_decisions"]
            )

    result["load_end"] = loadavg()
    result["elapsed_s"] = round(time.perf_counter() - started, 1)
    top = max(args.sizes)
    ratios = {
        k: c["ratio_compare_wall"] for k, c in result["cases"].items() if k.endswith(f"/{top}")
    }
    result["goal"] = {
        "ratio": GOAL_RATIO,
        "size": top,
        "min_ratio_compare_wall": min(ratios.values()),
        "met": min(ratios.values()) >= GOAL_RATIO,
    }

    lines = [
        f"# drift_vs_evidently — {result['started_at']}",
        "",
        f"machine: {result['machine']['cpu_model']}, nproc {result['machine']['nproc']}, "
        f"{result['machine']['memory_gib']} GiB; load average start {result['load_start']}, "
        f"end {result['load_end']}; elapsed {result['elapsed_s']} s",
        f"bench venv: {json.dumps(result['machine']['packages'])}",
        f"reference {args.reference:,} rows; profile built once in "
        f"{fmt_s(ours.profile_build['wall_s'])} (not timed below); medians of {args.repeats} runs "
        "(ours), Evidently runs in parentheses",
        "",
        *tables(result),
    ]
    if project:
        lines.insert(4, f"project venv: {json.dumps(project['machine']['packages'])}")
    if "profile" in result:
        lines += ["```", *result["profile"]["text"][:40], "```"]
    text = "\n".join(lines)
    print()
    print(text)
    goal = result["goal"]
    print(f"\ngoal ≥ {GOAL_RATIO:.0f}× at {top:,} rows (Evidently / our compare, wall): "
          f"min {goal['min_ratio_compare_wall']:.1f}× → {'met' if goal['met'] else 'NOT met'}")  # fmt: skip

    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1, default=str))
    args.json.with_suffix(".md").write_text(text + "\n")
    print(f"wrote {args.json} and {args.json.with_suffix('.md')}")
    return 1 if args.strict and not goal["met"] else 0


if __name__ == "__main__":
    sys.exit(main())

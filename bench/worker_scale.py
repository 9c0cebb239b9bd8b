"""Benchmark: one monitoring run over a window of 150k, 1.5M and 15M predictions (issue #19).

In process, no server: a fraud model trained on 20k generated rows and registered as production
(the demo's `driftscope train`), production defaults (300 s windows), then the worker's own
`compute_window` (what the `drift_and_performance` job runs for each due window) timed per
window:

- **counts path** (the default, `DRIFTSCOPE_WINDOW_COUNTS=true`): the window's `window_counts`
  rows are counted with the backend's `count_window` from generated traffic with a sudden drift
  (a pool of 150k scored rows, 80 % labelled as the simulator's default coverage), per 10 s
  bucket and per replica, and scaled ×10 / ×100 for the larger sizes (every count of a row
  multiplied). Two layouts of those rows: one per replica per bucket (2, 3 and 11 replicas
  at 1×, 10× and 100×: docs/SCALING.md), and one per writer flush per replica as the
  writer writes them today (a flush every 200 ms: 50 a bucket per replica). Raw rows: every
  prediction in the windows also read raw (the pool replicated), else the pool once (a 1-10 %
  sample, as a sampled log keeps, with every labelled row), so performance reads the same
  DRIFTSCOPE_PERFORMANCE_MAX_LABELLED_ROWS (50,000) labelled rows at every size.
- **raw-row path** (`window_counts=False`): the per-replica windows of `--raw-sizes` (default
  150k; 1.5M loads and runs for minutes) read row by row.

Each run is checked: the report's `n` is the window's, the drift it finds is the injected one,
the snapshot read the capped labelled rows, and the counts path really read counts.
SQLite by default; PostgreSQL too when DRIFTSCOPE_BENCH_POSTGRES is set (a fresh database,
dropped after). Writes bench/results/worker_scale.json and prints the tables of
docs/BENCHMARKS.md.

    uv run --frozen python bench/worker_scale.py [--sizes 150000 1500000 15000000]
        [--raw-sizes 150000 [1500000]] [--repeats 5] [--no-per-flush] [--postgres-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert, select

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from batch_csv import POSTGRES_SERVER, fresh_postgres, postgres  # noqa: E402
from harness.machine import machine_info  # noqa: E402

from driftscope.contract import FRAUD_CONTRACT  # noqa: E402
from driftscope.db import DriftReport, Label, PerformanceSnapshot, Prediction, WindowCount  # noqa: E402
from driftscope.generator import generate_frame  # noqa: E402
from driftscope.scenarios import make_scenario  # noqa: E402
from driftscope.settings import Settings  # noqa: E402
from driftscope.testing import TrainedArtifact, prediction_row, register_artifact  # noqa: E402
from driftscope.window_counts import BUCKET_S, Counts, count_window  # noqa: E402
from driftscope_worker import monitor  # noqa: E402
from driftscope_worker.bucket_sums import BucketSums  # noqa: E402
from driftscope_worker.compaction import compact_counts  # noqa: E402
from driftscope_worker.models import MonitoredModel, monitored_models  # noqa: E402
from driftscope_worker.scheduler import make_context  # noqa: E402
from driftscope_worker.windows import Window  # noqa: E402

RESULTS = BENCH_DIR / "results"
COMMAND = "scripts/bench.sh worker_scale   # = uv run --frozen python bench/worker_scale.py"
POOL = 150_000  # generated, scored rows; larger windows replicate them
LABELLED_SHARE = 0.8  # the simulator's default label coverage
WINDOW_S = 300.0  # production default
REPLICAS = {150_000: 2, 1_500_000: 3, 15_000_000: 11}  # docs/SCALING.md: 1×, 10×, 100×
FLUSHES_PER_BUCKET = int(BUCKET_S / 0.2)  # the writer flushes every 200 ms below 2,000 rows
INSERT_PIECE = 20_000
DRIFTED = {"amount", "distance_from_home_km", "amount_to_avg_ratio"}  # what `sudden` shifts


@dataclass(frozen=True)
class Pool:
    """Generated traffic with a sudden drift, scored by the registered model."""

    features: list[dict[str, Any]]
    columns: dict[str, list[Any]]
    scores: np.ndarray
    labels: np.ndarray
    threshold: float


def train(work: Path) -> TrainedArtifact:
    """The demo's model: 20k generated rows, seed 7 (`driftscope train`'s defaults)."""
    from driftscope.training.trainer import TrainConfig, fit, write_artifacts

    config = TrainConfig(rows=20_000, seed=7)
    trained = fit(generate_frame(config.rows, seed=config.seed), FRAUD_CONTRACT, config)
    directory = work / "artifact" / "fraud" / "v1"
    sha, _ = write_artifacts(trained, directory, "fraud", 1, "xgboost")
    return TrainedArtifact(trained, directory, sha)


def make_pool(artifact: TrainedArtifact) -> Pool:
    from driftscope.serving.artifact import load_model

    frame = generate_frame(POOL, seed=11, scenario=make_scenario("sudden", 1.0))
    model = load_model(artifact.directory, artifact.sha256)
    scores = model.probability(FRAUD_CONTRACT.encode_columns(frame))
    values = frame[FRAUD_CONTRACT.names].astype(object)
    features = values.where(values.notna(), None).to_dict("records")
    columns = {name: values[name].tolist() for name in FRAUD_CONTRACT.names}
    labels = frame[FRAUD_CONTRACT.label].to_numpy()
    return Pool(features, columns, scores, labels, model.threshold)


def scaled(document: Counts, factor: int) -> Counts:
    """`document` as if every counted row had come `factor` times."""
    if factor == 1:
        return document
    times = lambda counts: None if counts is None else [c * factor for c in counts]  # noqa: E731
    return {
        **document,
        "n": document["n"] * factor,
        "features": {k: times(v) for k, v in document["features"].items()},
        "score": times(document["score"]),
        "moments": {k: v * factor for k, v in document["moments"].items()},
    }


def counts_rows(
    pool: Pool, profile: dict[str, Any], start: datetime, size: int, per_flush: bool
) -> Iterator[dict[str, Any]]:
    """`window_counts` rows of a window of `size` predictions (the pool ×size/POOL): per
    bucket, per replica and, with `per_flush`, per writer flush."""
    replicas, factor = REPLICAS[size], size // POOL
    buckets = int(WINDOW_S // BUCKET_S)
    pieces = replicas * (FLUSHES_PER_BUCKET if per_flush else 1)
    for b, bucket_rows in enumerate(np.array_split(np.arange(POOL), buckets)):
        bucket = start + timedelta(seconds=b * BUCKET_S)
        for rows in np.array_split(bucket_rows, pieces):
            columns = {name: [values[i] for i in rows] for name, values in pool.columns.items()}
            scores = pool.scores[rows].tolist()
            document = count_window(profile, columns, scores, [pool.threshold] * len(rows))
            yield {
                "id": uuid.uuid4(),
                "model_name": "fraud",
                "model_version": 1,
                "variant": "production",
                "source": "online",
                "bucket": bucket,
                "n": document["n"] * factor,
                "counts": scaled(document, factor),
            }


async def insert_pieces(session_factory: Any, table: Any, rows: Iterator[dict[str, Any]]) -> None:
    piece: list[dict[str, Any]] = []
    for row in rows:
        piece.append(row)
        if len(piece) >= INSERT_PIECE:
            async with session_factory() as session, session.begin():
                await session.execute(insert(table), piece)
            piece = []
    if piece:
        async with session_factory() as session, session.begin():
            await session.execute(insert(table), piece)


async def log_raw(session_factory: Any, pool: Pool, start: datetime, copies: int) -> int:
    """The pool logged `copies` times over [start, start + 300 s), 80 % of each copy labelled;
    returns the labelled rows."""
    step = WINDOW_S / (POOL * copies)
    labelled = 0
    for copy in range(copies):
        rows = [
            prediction_row(
                pool.features[i],
                pool.scores[i],
                pool.threshold,
                start + timedelta(seconds=(i * copies + copy) * step),
            )
            for i in range(POOL)
        ]
        await insert_pieces(session_factory, Prediction, iter(rows))
        labels = [
            {"prediction_id": rows[i]["id"], "model_name": "fraud", "label": int(pool.labels[i])}
            for i in range(POOL)
            if (i + copy) % 10 < LABELLED_SHARE * 10
        ]
        await insert_pieces(session_factory, Label, iter(labels))
        labelled += len(labels)
    return labelled


@dataclass(frozen=True)
class Case:
    """One window to monitor: its size, how its counts are laid out, its labelled rows."""

    size: int
    per_flush: bool
    window: Window
    labelled: int
    count_rows: int


async def load_case(
    ctx: Any,
    pool: Pool,
    profile: dict[str, Any],
    window: Window,
    size: int,
    per_flush: bool,
    full: bool,
) -> Case:
    """Counts rows for `size` predictions; raw rows: every prediction when `full` (the window
    is read raw too), else the pool once (as a 1-10 % sample: the counts path reads only its
    labelled rows, at most the cap, so it costs the same)."""
    labelled = await log_raw(ctx.sessionmaker, pool, window.start, size // POOL if full else 1)
    rows = list(counts_rows(pool, profile, window.start, size, per_flush))
    await insert_pieces(ctx.sessionmaker, WindowCount, iter(rows))
    return Case(size, per_flush, window, labelled, len(rows))


async def timed_runs(
    ctx: Any, model: MonitoredModel, case: Case, repeats: int, *, counted: bool, warm: bool
) -> dict[str, Any]:
    """`repeats` runs of the worker's `compute_window` on the case's window; wall and CPU
    seconds, and what the last run wrote. Each run starts with no bucket summed (the first
    run after the worker starts) or, `warm`, after the run 30 s before (untimed) summed the
    buckets the two windows share: the steady state, where a run reads 3 new buckets."""
    ctx.settings = ctx.settings.model_copy(update={"window_counts": counted})
    read: list[Any] = []
    original = monitor.load_counts

    async def spy(*args: Any, **kwargs: Any) -> Any:
        read.append(await original(*args, **kwargs))
        return read[-1]

    step = timedelta(seconds=ctx.settings.monitor_interval_s)
    before = Window(case.window.start - step, case.window.end - step)
    walls, cpus = [], []
    for _ in range(repeats):
        ctx.counts = BucketSums()
        if warm:
            assert await monitor.compute_window(ctx, model, before) == 1
        monitor.load_counts = spy
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            assert await monitor.compute_window(ctx, model, case.window) == 1
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        finally:
            monitor.load_counts = original
    # The path taken: counts read on every run, or never asked for.
    assert all(r is not None and r.n == case.size for r in read) and len(read) == (
        repeats if counted else 0
    )
    return {
        "median_s": round(statistics.median(walls), 3),
        "max_s": round(max(walls), 3),
        "cpu_median_s": round(statistics.median(cpus), 3),
        "runs": len(walls),
        **await written(ctx, case),
    }


async def compacted_runs(
    ctx: Any, model: MonitoredModel, case: Case, repeats: int
) -> dict[str, Any]:
    """The case's per-flush rows compacted as the worker's `compact_counts` job does once
    their buckets are closed (timed: the job's cost for a whole window), then the runs again."""
    clock = ctx.clock
    ctx.clock = lambda: case.window.end + timedelta(seconds=60)  # every bucket closed
    try:
        wall = time.perf_counter()
        done = await compact_counts(ctx)
        compact_s = time.perf_counter() - wall
    finally:
        ctx.clock = clock
    # this window's buckets, and any earlier case's left (already measured)
    assert done.groups >= WINDOW_S // BUCKET_S, done
    out: dict[str, Any] = {
        "compact_s": round(compact_s, 3),
        "groups": done.groups,
        "rows_emptied": done.rows,
    }
    out |= await timed_runs(ctx, model, case, repeats, counted=True, warm=True)
    cold = await timed_runs(ctx, model, case, repeats, counted=True, warm=False)
    out["cold"] = {k: cold[k] for k in ("median_s", "max_s", "cpu_median_s")}
    return out


async def written(ctx: Any, case: Case) -> dict[str, Any]:
    """The report and snapshot of the case's window, checked: every prediction counted, the
    injected drift found, performance from the capped labelled rows."""
    key = {"model_name": "fraud", "model_version": 1, "window_end": case.window.end}
    async with ctx.sessionmaker() as session:
        report = await session.scalar(select(DriftReport).filter_by(**key))
        snapshot = await session.scalar(select(PerformanceSnapshot).filter_by(**key))
    assert report is not None and snapshot is not None
    drifted = sorted(n for n, f in report.features.items() if f["drifted"])
    cap = ctx.settings.performance_max_labelled_rows
    assert report.n == snapshot.n_predictions == case.size, (report.n, case.size)
    assert set(drifted) >= DRIFTED, drifted
    if ctx.settings.window_counts:
        assert snapshot.n_labelled == min(cap, case.labelled), snapshot.n_labelled
    return {
        "n": report.n,
        "drifted": drifted,
        "n_labelled": snapshot.n_labelled,
        "roc_auc": (snapshot.metrics.get("realised") or {}).get("roc_auc"),
    }


async def measure(
    url: str, work: Path, artifact: TrainedArtifact, pool: Pool, args: argparse.Namespace
) -> dict[str, Any]:
    """Every case on the database at `url`: counts-path runs per size and layout, raw-path
    runs on the fully logged windows."""
    settings = Settings(data_dir=work / "data", database_url=url, window_s=WINDOW_S)
    await register_artifact(settings, artifact)
    ctx = make_context(settings)
    (model,) = await monitored_models(ctx)
    profile = artifact.trained.profile
    # Tomorrow: on PostgreSQL its day partition exists (created ahead), as for live traffic.
    base = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0) + timedelta(days=1)
    cap = settings.performance_max_labelled_rows  # DRIFTSCOPE_PERFORMANCE_MAX_LABELLED_ROWS
    out: dict[str, Any] = {"performance_max_labelled_rows": cap, "sizes": {}}
    try:
        for k, (size, per_flush) in enumerate((s, f) for s in args.sizes for f in (False, True)):
            if per_flush and not args.per_flush:
                continue
            start = base + timedelta(minutes=10 * k)
            window = Window(start, start + timedelta(seconds=WINDOW_S))
            loading = time.perf_counter()
            full = not per_flush and size in args.raw_sizes
            case = await load_case(ctx, pool, profile, window, size, per_flush, full)
            layout = "per_flush" if per_flush else "per_replica"
            print(f"  {size:,} {layout}: {case.count_rows:,} counts rows, loaded in "
                  f"{time.perf_counter() - loading:.0f} s", file=sys.stderr)  # fmt: skip
            entry = out["sizes"].setdefault(str(size), {"replicas": REPLICAS[size]})
            repeats = args.repeats if not per_flush else max(2, args.repeats // 2)
            entry[layout] = {"counts_rows": case.count_rows, "labelled_rows": case.labelled}
            entry[layout] |= await timed_runs(ctx, model, case, repeats, counted=True, warm=True)
            cold = await timed_runs(ctx, model, case, repeats, counted=True, warm=False)
            entry[layout]["cold"] = {k: cold[k] for k in ("median_s", "max_s", "cpu_median_s")}
            if per_flush:  # the worker's compact_counts job rolls each closed bucket into one row
                entry["per_flush_compacted"] = await compacted_runs(ctx, model, case, repeats)
            if full:
                raw_repeats = min(args.repeats, 2 if size <= POOL else 1)
                entry["raw"] = await timed_runs(
                    ctx, model, case, raw_repeats, counted=False, warm=False
                )
                assert entry["raw"]["drifted"] == entry[layout]["drifted"]
            print(f"  {size:,}: {json.dumps(entry)}", file=sys.stderr)
    finally:
        await ctx.engine.dispose()
    return out


def summary_rows(backend: str, result: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows bench/report.py puts in the summary table of docs/BENCHMARKS.md."""
    sizes = result["sizes"]
    rows = []
    for layout, said in (
        ("per_replica", "one counts row per replica per 10 s bucket"),
        ("per_flush", "one counts row per writer flush, as written, before compaction"),
        ("per_flush_compacted", "the writer's rows after the compact_counts job"),
    ):
        runs = [(int(size), entry[layout]) for size, entry in sizes.items() if layout in entry]
        if not runs:
            continue
        medians = [run["median_s"] for _, run in runs]
        spread = max(medians) / min(medians)
        rows.append(
            {
                "metric": f"{backend}: one monitoring run over a 300 s window of "
                + " / ".join(f"{size:,}" for size, _ in runs)
                + f" predictions, drift from counts ({said}: "
                + " / ".join(f"{run.get('counts_rows', run.get('groups')):,}" for _, run in runs)
                + " rows)",
                "value": " / ".join(f"{m} s" for m in medians)
                + f" median (max {max(run['max_s'] for _, run in runs)} s); slowest ÷ fastest "
                f"{spread:.2f}; the first run after a start: "
                + " / ".join(f"{run['cold']['median_s']} s" for _, run in runs),
                "goal": "≤ 1 s each, within 2×",
                "met": max(medians) <= 1.0 and spread <= 2.0,
            }
        )
    raw = [(int(size), entry["raw"]) for size, entry in sizes.items() if "raw" in entry]
    if raw:
        rows.append(
            {
                "metric": f"{backend}: the same run reading raw rows (counts off)",
                "value": "; ".join(f"{size:,} rows {run['median_s']} s" for size, run in raw),
                "goal": "— (comparison)",
                "met": None,
            }
        )
    return rows


def table(name: str, result: dict[str, Any]) -> str:
    """Per size: each layout's counts rows, median · max · CPU s in the steady state, and the
    first run's median after a start; the raw path's median · max · CPU s."""
    lines = [
        f"| {name}: predictions in the window | replicas | one counts row per replica per "
        "bucket | one counts row per flush | the same, compacted | raw rows |",
        "|---|---|---|---|---|---|",
    ]
    for size, entry in result["sizes"].items():
        cells = []
        for layout in ("per_replica", "per_flush", "per_flush_compacted", "raw"):
            run = entry.get(layout)
            if run is None:
                cells.append("–")
                continue
            cell = f"{run['median_s']} · {run['max_s']} · {run['cpu_median_s']} s"
            if "compact_s" in run:
                cell = (
                    f"compacted in {run['compact_s']} s: {cell} "
                    f"(first run {run['cold']['median_s']} s)"
                )
            elif "cold" in run:
                cell = (
                    f"{run['counts_rows']:,} rows: {cell} (first run {run['cold']['median_s']} s)"
                )
            cells.append(cell)
        lines.append(f"| {int(size):,} | {entry['replicas']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(REPLICAS))
    parser.add_argument("--raw-sizes", type=int, nargs="*", default=[POOL])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-per-flush", dest="per_flush", action="store_false")
    parser.add_argument("--postgres", default=POSTGRES_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--postgres-only", action="store_true")
    args = parser.parse_args()
    bad = [s for s in args.sizes if s not in REPLICAS]
    if bad:
        parser.error(f"--sizes: choose among {', '.join(map(str, REPLICAS))}")
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="ds-worker-scale-") as tmp:
        work = Path(tmp)
        artifact = train(work)
        pool = make_pool(artifact)
        backends = [] if args.postgres_only else ["sqlite"]
        if args.postgres_only or os.environ.get("DRIFTSCOPE_BENCH_POSTGRES"):
            backends.append("postgresql")
        for backend in backends:
            print(f"{backend} ...", file=sys.stderr)
            if backend == "sqlite":
                url = f"sqlite+aiosqlite:///{work / 'bench.db'}"
                results[backend] = asyncio.run(measure(url, work, artifact, pool, args))
                continue
            url = fresh_postgres(args.postgres)
            try:
                results[backend] = asyncio.run(measure(url, work, artifact, pool, args))
            finally:
                name = url.rsplit("/", 1)[1]
                postgres(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    summary = [row for backend, r in results.items() for row in summary_rows(backend, r)]
    result = {
        "command": COMMAND,
        "started": started,
        "machine": machine_info(),
        "summary_rows": summary,
        **results,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "worker_scale.json").write_text(json.dumps(result, indent=2))
    for backend, measured in results.items():
        print(table(backend, measured))


if __name__ == "__main__":
    main()

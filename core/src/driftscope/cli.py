"""The `driftscope` command: core subcommands plus those the installed processes register."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from driftscope.contract import get_contract
from driftscope.errors import DriftscopeError
from driftscope.settings import get_settings

app = typer.Typer(help="Driftscope: live ML model serving and monitoring.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
models_app = typer.Typer(
    help="Model registry: versions, promotion, rollback.", no_args_is_help=True
)
app.add_typer(models_app, name="models")
console = Console(stderr=True)


@app.command()
def generate(
    rows: Annotated[int, typer.Option(min=1, help="Number of transactions.")] = 50_000,
    out: Annotated[Path, typer.Option(help="CSV file to write.")] = Path("transactions.csv"),
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same rows).")] = 42,
    fraud_rate: Annotated[float, typer.Option(min=0.001, max=0.5)] = 0.04,
) -> None:
    """Write synthetic transactions (contract columns + is_fraud) to a CSV file."""
    from driftscope.generator import generate_frame

    frame = generate_frame(rows, seed=seed, fraud_rate=fraud_rate)
    frame.to_csv(out, index=False)
    console.print(f"wrote {rows:,} rows ({frame['is_fraud'].mean():.2%} fraud) to {out}")


@app.command()
def train(
    rows: Annotated[
        int, typer.Option(min=1_000, help="Rows to generate when --data is not given.")
    ] = 50_000,
    seed: Annotated[int, typer.Option(help="Seed for data generation and splits.")] = 42,
    data: Annotated[
        Path | None, typer.Option(help="CSV in the contract's columns plus is_fraud.")
    ] = None,
    threshold_policy: Annotated[
        str, typer.Option(help="f1 | recall:0.8 | cost:fn=10,fp=1 (see docs/OPERATIONS.md).")
    ] = "f1",
    kind: Annotated[
        str | None,
        typer.Option(
            help="xgboost | random_forest | decision_tree | logistic | rules "
            "(default DRIFTSCOPE_MODEL_KIND)."
        ),
    ] = None,
    if_missing: Annotated[
        bool, typer.Option(help="Do nothing if a production model exists.")
    ] = False,
    search: Annotated[
        str | None, typer.Option(help="Hyperparameter search: random (with --trials, --cv).")
    ] = None,
    trials: Annotated[int, typer.Option(min=1, max=500, help="Search trials.")] = 10,
    cv: Annotated[int, typer.Option(min=2, max=20, help="Stratified CV folds per trial.")] = 5,
    register_as: Annotated[
        str | None, typer.Option(help="Also point this alias at the new version: candidate.")
    ] = None,
) -> None:
    """Train, calibrate and register a new model version (the first becomes production)."""
    from driftscope.predictors import KINDS
    from driftscope.training.report import print_search, print_training
    from driftscope.training.threshold import ThresholdPolicy
    from driftscope.training.trainer import TrainConfig, train_and_register

    settings = get_settings()
    if if_missing and asyncio.run(_production_exists(settings.model_name)):
        console.print("a production model exists; nothing to train (--if-missing)")
        return
    model_kind = kind or settings.model_kind
    if model_kind not in KINDS:
        raise typer.BadParameter(
            f"unknown kind '{model_kind}' (available: {', '.join(KINDS)})", param_hint="--kind"
        )
    if search not in (None, "random"):
        raise typer.BadParameter(f"unknown search '{search}' (use random)", param_hint="--search")
    if search and model_kind == "rules":
        raise typer.BadParameter("the rules kind has no hyperparameters", param_hint="--search")
    if register_as not in (None, "candidate"):
        raise typer.BadParameter("only the candidate alias", param_hint="--register-as")
    try:
        policy = ThresholdPolicy.parse(threshold_policy)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--threshold-policy") from exc
    config = TrainConfig(
        rows=rows,
        seed=seed,
        data=data,
        policy=policy,
        kind=model_kind,
        rules=settings.rule_policy(),
        register_as=register_as,
    )
    with _progress_bar() as progress:
        if search:
            from driftscope.training.search import run_search

            found = asyncio.run(run_search(config, settings, trials, cv, progress))
            result = found.registered
        else:
            result = asyncio.run(train_and_register(config, settings, progress))
    out = Console()
    if search:
        print_search(out, found)
    print_training(out, result.version, result.metrics, result.threshold)
    console.print(f"artifacts: {result.directory}")
    console.print(
        "promoted to production" if result.promoted else "registered (production alias unchanged)"
    )
    if register_as:
        console.print(f"alias {register_as} → v{result.version}")


@contextmanager
def _progress_bar() -> Iterator[Callable[[str, float], None]]:
    """A rich progress bar per stage; yields the (stage, fraction) callback training takes."""
    with Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, fraction: float) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=1.0)
            bar.update(tasks[stage], completed=fraction)

        yield progress


async def _production_exists(model_name: str) -> bool:
    from driftscope.db import create_engine, make_sessionmaker, upgrade
    from driftscope.registry import resolve

    engine = create_engine(get_settings().resolved_database_url)
    try:
        await upgrade(engine)
        async with make_sessionmaker(engine)() as session:
            return await resolve(session, model_name) is not None
    finally:
        await engine.dispose()


@app.command()
def schema(model_name: Annotated[str, typer.Option()] = "fraud") -> None:
    """Print the feature contract as JSON."""
    import orjson

    typer.echo(
        orjson.dumps(get_contract(model_name).to_dict(), option=orjson.OPT_INDENT_2).decode()
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations to DATABASE_URL (or the SQLite file in the data dir)."""
    from driftscope.db import create_engine, upgrade

    url = get_settings().resolved_database_url

    async def run() -> None:
        engine = create_engine(url)
        try:
            await upgrade(engine, revision)
        finally:
            await engine.dispose()

    asyncio.run(run())
    console.print(f"database at revision {revision}: {_redact(url)}")


async def _in_session(work: Any) -> Any:
    """Run `work(session, settings)` in one committed transaction on the configured database."""
    from driftscope.db import create_engine, make_sessionmaker, upgrade

    settings = get_settings()
    engine = create_engine(settings.resolved_database_url)
    try:
        await upgrade(engine)
        async with make_sessionmaker(engine)() as session:
            result = await work(session, settings)
            await session.commit()
            return result
    finally:
        await engine.dispose()


@models_app.command("list")
def models_list() -> None:
    """Versions with test metrics, and aliases."""
    from driftscope import registry

    async def work(session: Any, settings: Any) -> tuple[list[Any], list[Any]]:
        name = settings.model_name
        return await registry.list_versions(session, name), await registry.list_aliases(
            session, name
        )

    versions, aliases = asyncio.run(_in_session(work))
    by_version: dict[int, list[str]] = {}
    for alias in aliases:
        percent = "" if alias.traffic_percent is None else f" {alias.traffic_percent:g}%"
        by_version.setdefault(alias.version, []).append(alias.alias + percent)
    table = Table(title="model versions")
    for column in ("version", "kind", "created", "ROC AUC", "F1", "threshold", "aliases"):
        table.add_column(column)
    for v in versions:
        test = v.metrics.get("test") or {}
        table.add_row(
            str(v.version),
            v.kind,
            v.created_at.strftime("%Y-%m-%d %H:%M"),
            f"{test.get('roc_auc', 0):.4f}",
            f"{test.get('f1', 0):.4f}",
            f"{v.threshold:.3f}",
            ", ".join(sorted(by_version.get(v.version, []))),
        )
    Console().print(table)


def _print_checks(checks: list[Any]) -> None:
    for c in checks:
        console.print(f"{'[green]pass[/]' if c.passed else '[red]FAIL[/]'}  {c.message}")


@app.command()
def gate(
    version: Annotated[
        int | None, typer.Option(help="Version to check (default: the newest).")
    ] = None,
) -> None:
    """Run the promotion gate; exits 1 when the version fails it."""
    from driftscope import lifecycle, registry

    async def work(session: Any, settings: Any) -> tuple[int, list[Any]]:
        target = version or (await registry.next_version(session, settings.model_name)) - 1
        return target, await lifecycle.gate_checks(
            session, settings.model_name, target, settings.gate_config()
        )

    target, checks = asyncio.run(_in_session(work))
    _print_checks(checks)
    ok = all(c.passed for c in checks)
    console.print(f"version {target}: {'promotable' if ok else 'NOT promotable'}")
    raise typer.Exit(0 if ok else 1)


@models_app.command("promote")
def models_promote(
    version: Annotated[int, typer.Argument(help="Version to make production.")],
    force: Annotated[
        bool, typer.Option(help="Promote even if the gate fails (needs --reason).")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="Why (recorded in the model event).")] = None,
) -> None:
    """Promote a version (gated); running backends swap to it within seconds."""
    from driftscope import lifecycle

    async def work(session: Any, settings: Any) -> dict[str, Any]:
        return await lifecycle.promote(
            session,
            settings.model_name,
            version,
            settings.gate_config(),
            force=force,
            reason=reason,
            actor="cli",
        )

    result = asyncio.run(_in_session(work))
    console.print(f"production: v{result['version']} (previous: v{result['previous']})")


@models_app.command("rollback")
def models_rollback() -> None:
    """Make the previous production version production again."""
    from driftscope import lifecycle

    async def work(session: Any, settings: Any) -> dict[str, Any]:
        return await lifecycle.rollback(session, settings.model_name, actor="cli")

    result = asyncio.run(_in_session(work))
    console.print(f"production: v{result['version']} (rolled back from v{result['previous']})")


@models_app.command("canary")
def models_canary(
    version: Annotated[int | None, typer.Argument(help="Version to send traffic to.")] = None,
    percent: Annotated[
        float, typer.Option(min=0, max=100, help="Share of online traffic (sticky per key).")
    ] = 10.0,
    off: Annotated[bool, typer.Option("--off", help="Turn the canary off.")] = False,
    force: Annotated[bool, typer.Option(help="Even if the gate fails (needs --reason).")] = False,
    reason: Annotated[str | None, typer.Option(help="Why (recorded in the model event).")] = None,
) -> None:
    """Send a share of traffic to a version (gated), or turn the canary off."""
    from driftscope import lifecycle, registry

    if off == (version is not None):
        raise typer.BadParameter("give a VERSION or --off", param_hint="VERSION")

    async def work(session: Any, settings: Any) -> dict[str, Any]:
        if version is None:
            return await lifecycle.clear(session, settings.model_name, registry.CANARY, actor="cli")
        return await lifecycle.set_canary(
            session,
            settings.model_name,
            version,
            percent,
            settings.gate_config(),
            force=force,
            reason=reason,
            actor="cli",
        )

    result = asyncio.run(_in_session(work))
    if version is None:
        console.print(
            f"canary off (was v{result['version']})" if result["changed"] else "no canary"
        )
    else:
        console.print(f"canary: v{version} on {percent:g}% of traffic")


@models_app.command("shadow")
def models_shadow(
    version: Annotated[int | None, typer.Argument(help="Version to score traffic with.")] = None,
    off: Annotated[bool, typer.Option("--off", help="Turn shadow scoring off.")] = False,
) -> None:
    """Score all online traffic with a version too (logged, never returned), or turn it off."""
    from driftscope import lifecycle, registry

    if off == (version is not None):
        raise typer.BadParameter("give a VERSION or --off", param_hint="VERSION")

    async def work(session: Any, settings: Any) -> dict[str, Any]:
        if version is None:
            return await lifecycle.clear(session, settings.model_name, registry.SHADOW, actor="cli")
        return await lifecycle.set_shadow(session, settings.model_name, version, actor="cli")

    result = asyncio.run(_in_session(work))
    if version is None:
        console.print(
            f"shadow off (was v{result['version']})" if result["changed"] else "no shadow"
        )
    else:
        console.print(f"shadow: v{version} scores every online prediction")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _load_plugins() -> None:
    for ep in entry_points(group="driftscope.commands"):
        try:
            ep.load()(app)
        except ImportError as exc:  # a process package that is not installed fully
            logging.getLogger(__name__).debug("skipping %s: %s", ep.name, exc)


def main() -> None:
    _load_plugins()
    try:
        app()
    except DriftscopeError as exc:
        console.print(f"[red]error:[/red] {exc.message}")
        raise SystemExit(2) from exc

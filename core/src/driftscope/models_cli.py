"""`driftscope models ...` and `driftscope gate`: the registry and alias changes from a shell."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from driftscope.settings import get_settings

models_app = typer.Typer(
    help="Model registry: versions, promotion, rollback.", no_args_is_help=True
)
console = Console(stderr=True)
_chosen: dict[str, str] = {}  # the model the group's --model option names, for this run


@models_app.callback()
def _choose_model(
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="The model these commands act on (default DRIFTSCOPE_MODEL_NAME, e.g. fraud).",
        ),
    ] = None,
) -> None:
    """Model registry: versions, promotion, rollback (of one model: --model NAME)."""
    _chosen.clear()
    if model is not None:
        from driftscope.spec.model import MODEL_NAME

        if not MODEL_NAME.fullmatch(model):
            raise typer.BadParameter("not a model name", param_hint="--model")
        _chosen["model"] = model


async def _in_session(work: Any) -> Any:
    """Run `work(session, settings)` in one committed transaction on the configured database
    (`settings.model_name` is the group's --model when given)."""
    from driftscope.db import script_sessions

    settings = get_settings()
    if "model" in _chosen:
        settings = settings.model_copy(update={"model_name": _chosen["model"]})
    async with script_sessions(settings.resolved_database_url) as sessions, sessions() as session:
        result = await work(session, settings)
        await session.commit()
        return result


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

    async def start(session: Any, settings: Any, target: int) -> dict[str, Any]:
        config = settings.gate_config()
        return await lifecycle.set_canary(
            session,
            settings.model_name,
            target,
            percent,
            config,
            force=force,
            reason=reason,
            actor="cli",
        )

    started = f"canary: v{version} on {percent:g}% of traffic"
    _switch_variant(registry.CANARY, version, off, start, started)


@models_app.command("shadow")
def models_shadow(
    version: Annotated[int | None, typer.Argument(help="Version to score traffic with.")] = None,
    off: Annotated[bool, typer.Option("--off", help="Turn shadow scoring off.")] = False,
) -> None:
    """Score all online traffic with a version too (logged, never returned), or turn it off."""
    from driftscope import lifecycle, registry

    async def start(session: Any, settings: Any, target: int) -> dict[str, Any]:
        return await lifecycle.set_shadow(session, settings.model_name, target, actor="cli")

    started = f"shadow: v{version} scores every online prediction"
    _switch_variant(registry.SHADOW, version, off, start, started)


def _switch_variant(
    alias: str,
    version: int | None,
    off: bool,
    start: Callable[[Any, Any, int], Awaitable[dict[str, Any]]],
    started: str,
) -> None:
    """Point a variant alias at `version` with `start` and say `started`, or clear it (`--off`)."""
    from driftscope import lifecycle

    if off == (version is not None):
        raise typer.BadParameter("give a VERSION or --off", param_hint="VERSION")

    async def work(session: Any, settings: Any) -> dict[str, Any]:
        if version is None:
            return await lifecycle.clear(session, settings.model_name, alias, actor="cli")
        return await start(session, settings, version)

    result = asyncio.run(_in_session(work))
    if version is None:
        console.print(
            f"{alias} off (was v{result['version']})" if result["changed"] else f"no {alias}"
        )
    else:
        console.print(started)


@models_app.command("register-external")
def models_register_external(
    name: Annotated[
        str,
        typer.Option(help="Model name: a lower-case letter, then up to 63 of a-z, 0-9, _ and -."),
    ],
    reference: Annotated[
        Path,
        typer.Option(exists=True, dir_okay=False, help="Reference CSV: features and the target."),
    ],
    target: Annotated[str, typer.Option(help="The target column (two values).")],
    score_column: Annotated[
        str | None, typer.Option(help="The model's score (0–1) of each reference row.")
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Decision threshold (default: chosen on the scores)."),
    ] = None,
    spec: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="A spec file (default: inferred)."),
    ] = None,
    positive: Annotated[
        str | None, typer.Option(help="Target value of the positive class (without --spec).")
    ] = None,
) -> None:
    """Register a model served elsewhere (monitor-only): log its predictions with /log."""
    from driftscope.external import reference_from_csv
    from driftscope.spec.cli import print_inferred, spec_table
    from driftscope.spec.infer import InferredSpec

    ref = reference_from_csv(
        reference,
        name=name,
        target=target,
        score_column=score_column,
        spec_path=spec,
        positive=positive,
        threshold=threshold,
    )
    out = Console()
    if spec is None:
        print_inferred(InferredSpec(ref.spec, ref.dropped, ref.rows), out)
    else:
        out.print(spec_table(ref.spec, f"from {spec}"))
    if score_column is not None:
        out.print(_reference_table(ref.metrics, ref.threshold, ref.spec.positive))
    version, previous = asyncio.run(_register(ref))
    moved = "" if previous is None else f" (previous: v{previous})"
    console.print(
        f"external model {name} v{version}: production{moved}; threshold {ref.threshold:g}"
    )
    console.print(f"log its predictions: POST /api/v1/models/{name}/log")


def _reference_table(metrics: dict[str, Any], threshold: float, positive: str) -> Table:
    """The external model's metrics on its reference rows (scores against targets)."""
    from driftscope.training.report import METRIC_ROWS

    test = metrics["test"]
    table = Table(title=f"reference metrics ({test['n']:,} rows)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key in METRIC_ROWS:
        label = escape(f"{positive}_rate") if key == "fraud_rate" else key  # a user's class
        table.add_row(label, f"{test[key]:.4f}")
    table.add_row("threshold", f"{threshold:.3f} ({metrics['threshold_policy']})")
    if metrics["unlabelled_rows_skipped"]:
        table.add_row("rows without target", f"{metrics['unlabelled_rows_skipped']:,} (skipped)")
    return table


async def _register(reference: Any) -> tuple[int, int | None]:
    """Register in one transaction, then wake the backends' event tails (PostgreSQL)."""
    from driftscope.db import script_sessions
    from driftscope.events import notify
    from driftscope.external import register_external

    settings = get_settings()
    async with script_sessions(settings.resolved_database_url) as sessions, sessions() as session:
        row, previous, event_id = await register_external(session, reference)
        await session.commit()
        await notify(session, event_id)
        return row.version, previous

"""The `driftscope` command: core subcommands plus those the installed processes register."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from driftscope.contract import get_contract
from driftscope.corpora.cli import corpora_app
from driftscope.errors import DriftscopeError
from driftscope.models_cli import gate, models_app
from driftscope.settings import Settings, get_settings
from driftscope.spec.cli import spec_app

if TYPE_CHECKING:  # the commands import what they run lazily: `driftscope --help` stays fast
    from driftscope.spec import ModelSpec
    from driftscope.training.search import SearchResult
    from driftscope.training.threshold import ThresholdPolicy
    from driftscope.training.trainer import TrainConfig, TrainResult

app = typer.Typer(help="Driftscope: live ML model serving and monitoring.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(models_app, name="models")
app.add_typer(spec_app, name="spec")
app.add_typer(corpora_app, name="corpora")
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


# The options of `driftscope train` that need more than a line.
TrainRows = Annotated[
    int, typer.Option(min=1_000, help="Rows to generate when --data is not given.")
]
TrainData = Annotated[
    Path | None,
    typer.Option(
        help="CSV to train on: with --target, any tabular model's; without, the fraud "
        "contract's columns plus is_fraud."
    ),
]
TrainTarget = Annotated[
    str | None, typer.Option(help="The target column of --data (two values): a user model.")
]
TrainName = Annotated[
    str | None, typer.Option(help="Model name (default DRIFTSCOPE_MODEL_NAME, e.g. fraud).")
]
TrainSpec = Annotated[
    Path | None,
    typer.Option(exists=True, dir_okay=False, help="Spec file of --name (default: inferred)."),
]
TrainPositive = Annotated[
    str | None,
    typer.Option(help="Target value of the positive class, when the spec is inferred."),
]
ThresholdPolicyText = Annotated[
    str | None,
    typer.Option(
        help="f1 | recall:0.8 | cost:fn=10,fp=1 (see docs/OPERATIONS.md); default f1, "
        "recall:0.99 for the content model."
    ),
]
ModelKind = Annotated[
    str | None,
    typer.Option(
        help="xgboost | random_forest | decision_tree | logistic | rules "
        "(default DRIFTSCOPE_MODEL_KIND)."
    ),
]
IfMissing = Annotated[bool, typer.Option(help="Do nothing if a production model exists.")]
SearchKind = Annotated[
    str | None, typer.Option(help="Hyperparameter search: random (with --trials, --cv).")
]
RegisterAs = Annotated[
    str | None, typer.Option(help="Also point this alias at the new version: candidate.")
]


@app.command()
def train(
    rows: TrainRows = 50_000,
    seed: Annotated[int, typer.Option(help="Seed for data generation and splits.")] = 42,
    data: TrainData = None,
    threshold_policy: ThresholdPolicyText = None,
    kind: ModelKind = None,
    if_missing: IfMissing = False,
    search: SearchKind = None,
    trials: Annotated[int, typer.Option(min=1, max=500, help="Search trials.")] = 10,
    cv: Annotated[int, typer.Option(min=2, max=20, help="Stratified CV folds per trial.")] = 5,
    register_as: RegisterAs = None,
    target: TrainTarget = None,
    name: TrainName = None,
    spec: TrainSpec = None,
    positive: TrainPositive = None,
) -> None:
    """Train, calibrate and register a new model version (the first becomes production).

    With --data and --target (or --spec): any tabular model, its spec inferred from the data
    unless given. Without: the built-in fraud model (on generated data unless --data)."""
    from driftscope.training.trainer import TrainConfig

    settings = get_settings()
    model_name = name or settings.model_name
    if if_missing and asyncio.run(_production_exists(model_name)):
        console.print("a production model exists; nothing to train (--if-missing)")
        return
    if model_name == "content" and target is None and spec is None:
        _train_content(settings, data, kind, search, register_as, threshold_policy, seed)
        return
    model_kind = kind or settings.model_kind
    user_model = target is not None or spec is not None
    _check_train_options(model_kind, search, register_as, user_model=user_model)
    user_spec = _user_spec(data, target, model_name, spec, positive)
    config = TrainConfig(
        rows=rows,
        seed=seed,
        data=data,
        policy=_threshold_policy(threshold_policy or "f1"),
        model_name=model_name,
        kind=model_kind,
        rules=settings.rule_policy(),
        register_as=register_as,
        spec=user_spec,
    )
    result, found = _run_training(config, settings, search, trials, cv)
    positive_class = "fraud" if user_spec is None else user_spec.positive
    _print_trained(f"{model_name} v{result.version}", positive_class, result, found, register_as)


def _train_content(
    settings: Settings,
    data: Path | None,
    kind: str | None,
    search: str | None,
    register_as: str | None,
    threshold_policy: str | None,
    seed: int,
) -> None:
    """The built-in content model: on the pinned public corpora (fetched on first use)."""
    from driftscope.text.content import DEFAULT_POLICY
    from driftscope.text.train import train_content

    for value, hint in ((data, "--data"), (kind, "--kind"), (search, "--search"),
                        (register_as, "--register-as")):  # fmt: skip
        if value is not None:
            raise typer.BadParameter(
                "the content model trains on its built-in corpora only", param_hint=hint
            )
    policy = DEFAULT_POLICY if threshold_policy is None else _threshold_policy(threshold_policy)
    with _progress_bar() as progress:
        result = asyncio.run(train_content(settings, policy, seed=seed, progress=progress))
    _print_content(result)


def _print_content(result: TrainResult) -> None:
    from rich.table import Table

    table = Table(title=f"content v{result.version} at threshold {result.threshold:.3f} "
                  f"({result.metrics['threshold_policy']})")  # fmt: skip
    columns = ("n", "spam", "roc_auc", "pr_auc", "recall", "ham_precision", "ham_flagged")
    table.add_column("set")
    for column in columns:
        table.add_column(column, justify="right")
    for name, row in result.metrics["evaluation"].items():
        table.add_row(name, *(_cell(row[c]) for c in columns))
    Console().print(table)
    if "rules" in result.metrics:
        from driftscope.training.report import print_rules

        print_rules(Console(), result.metrics["rules"], ("spam", "ham"))
    console.print(f"artifacts: {result.directory}")
    console.print(
        "promoted to production" if result.promoted else "registered (production alias unchanged)"
    )


def _cell(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    return "—" if value != value else f"{value:.4f}"  # NaN: one class only (e.g. hard ham)


def _user_spec(
    data: Path | None, target: str | None, name: str, spec: Path | None, positive: str | None
) -> ModelSpec | None:
    """The spec of a model trained from a user's CSV (printed); None for the built-in model."""
    from driftscope.contract import CONTRACTS

    if target is None and spec is None:  # the built-in model
        if positive is not None:
            raise typer.BadParameter("only with --target", param_hint="--positive")
        if name not in CONTRACTS:
            raise typer.BadParameter(
                f"model '{name}' is not built in: give --data and --target", param_hint="--name"
            )
        return None
    if data is None:
        raise typer.BadParameter("a user model needs its training CSV", param_hint="--data")
    if spec is not None and positive is not None:
        raise typer.BadParameter(
            "the spec file decides the positive class", param_hint="--positive"
        )
    return _loaded_or_inferred(data, target, name, spec, positive)


def _loaded_or_inferred(
    data: Path, target: str | None, name: str, spec: Path | None, positive: str | None
) -> ModelSpec:
    from driftscope.spec.cli import print_inferred, spec_table
    from driftscope.training.user_data import given_spec, inferred_spec

    out = Console()
    if spec is not None:
        given = given_spec(spec, name, target)
        out.print(spec_table(given, f"from {spec}"))
        return given
    assert target is not None  # _user_spec: --target or --spec
    inferred = inferred_spec(data, target, name, positive)
    print_inferred(inferred, out)
    return inferred.spec


def _run_training(
    config: TrainConfig, settings: Settings, search: str | None, trials: int, folds: int
) -> tuple[TrainResult, SearchResult | None]:
    """Train one model, or search and register the best, under a progress bar."""
    with _progress_bar() as progress:
        if search:
            from driftscope.training.search import run_search

            found = asyncio.run(run_search(config, settings, trials, folds, progress))
            return found.registered, found
        from driftscope.training.trainer import train_and_register

        return asyncio.run(train_and_register(config, settings, progress)), None


def _check_train_options(
    model_kind: str, search: str | None, register_as: str | None, *, user_model: bool
) -> None:
    """Reject option combinations before any data is generated or read."""
    from driftscope.predictors import KINDS

    if model_kind not in KINDS:
        raise typer.BadParameter(
            f"unknown kind '{model_kind}' (available: {', '.join(KINDS)})", param_hint="--kind"
        )
    if user_model and model_kind == "rules":
        raise typer.BadParameter(
            "the rules kind is the fraud model's rule set: a user model has no rules",
            param_hint="--kind",
        )
    if search not in (None, "random"):
        raise typer.BadParameter(f"unknown search '{search}' (use random)", param_hint="--search")
    if search and model_kind == "rules":
        raise typer.BadParameter("the rules kind has no hyperparameters", param_hint="--search")
    if register_as not in (None, "candidate"):
        raise typer.BadParameter("only the candidate alias", param_hint="--register-as")


def _threshold_policy(text: str) -> ThresholdPolicy:
    from driftscope.training.threshold import ThresholdPolicy

    try:
        return ThresholdPolicy.parse(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--threshold-policy") from exc


def _print_trained(
    model: str,
    positive: str,
    result: TrainResult,
    found: SearchResult | None,
    register_as: str | None,
) -> None:
    """The search table (if any) and the metrics on stdout; where it went on stderr."""
    from driftscope.training.report import print_search, print_training

    out = Console()
    if found is not None:
        print_search(out, found)
    print_training(out, model, result.metrics, result.threshold, positive)
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
    from driftscope.db import script_sessions
    from driftscope.registry import resolve

    url = get_settings().resolved_database_url
    async with script_sessions(url) as sessions, sessions() as session:
        return await resolve(session, model_name) is not None


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
    from driftscope.db import script_sessions

    url = get_settings().resolved_database_url

    async def run() -> None:
        async with script_sessions(url, migrate_to=revision):
            pass  # migrating on the way in is the whole job

    asyncio.run(run())
    console.print(f"database at revision {revision}: {_redact(url)}")


app.command()(gate)


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

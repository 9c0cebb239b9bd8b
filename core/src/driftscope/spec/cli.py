"""`driftscope spec ...`: infer a model spec from a CSV and show it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from driftscope.errors import DriftscopeError, InvalidSpecError
from driftscope.spec.model import FeatureSpec, ModelSpec

if TYPE_CHECKING:  # pandas loads with the command, not with `driftscope --help`
    import pandas as pd

    from driftscope.spec.infer import InferredSpec

spec_app = typer.Typer(
    help="Model specs: a model's target, classes and features.", no_args_is_help=True
)
console = Console(stderr=True)
SHOWN_CATEGORIES = 6

DataFile = Annotated[Path, typer.Option(exists=True, dir_okay=False, help="CSV with a header row.")]
Target = Annotated[str, typer.Option(help="The target column (two values).")]
Name = Annotated[
    str, typer.Option(help="Model name: a lower-case letter, then up to 63 of a-z, 0-9, _ and -.")
]
Positive = Annotated[
    str | None,
    typer.Option(help="Target value of the positive class (default: 1/true/yes, else the rarer)."),
]
Out = Annotated[Path | None, typer.Option(help="Write the spec as JSON to this file.")]


@spec_app.command()
def infer(
    data: DataFile, target: Target, name: Name, positive: Positive = None, out: Out = None
) -> None:
    """Infer a spec from a CSV: kinds, ranges, categories, missing values, the classes."""
    from driftscope.spec.infer import infer_spec

    try:
        inferred = infer_spec(read_csv(data), target=target, name=name, positive=positive)
    except DriftscopeError as exc:
        console.print(f"[red]error:[/red] {escape(exc.message)}")
        raise typer.Exit(2) from exc
    print_inferred(inferred, Console())
    if out is not None:
        out.write_text(inferred.spec.to_json())
        console.print(f"wrote {out}")


def read_csv(path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        # low_memory=False: each column's type is read from the whole file, not per chunk.
        return pd.read_csv(path, low_memory=False)
    except (ValueError, UnicodeDecodeError) as exc:  # pandas' parser errors are ValueErrors
        raise InvalidSpecError(f"cannot read {path} as CSV: {exc}") from None


def print_inferred(inferred: InferredSpec, out: Console) -> None:
    spec = inferred.spec
    for dropped in inferred.dropped:
        console.print(
            f"[yellow]dropped[/yellow] column '{dropped.column}': {escape(dropped.reason)}"
        )
    out.print(spec_table(spec, f"from {inferred.rows:,} rows"))


def spec_table(spec: ModelSpec, source: str) -> Table:
    # Class names and categories are user data: escaped, so "[x]" is not taken for markup.
    table = Table(
        title=f"model '{spec.name}' {source}: target '{spec.target}', "
        f"classes {escape(spec.positive)} (positive) / {escape(spec.negative)}"
    )
    for column in ("feature", "kind", "range / categories", "missing", "example"):
        table.add_column(column)
    for feature in spec.features:
        table.add_row(
            feature.name,
            feature.kind,
            escape(_values(feature)),
            "allowed" if feature.allow_missing else "",
            escape(_example(feature.example)),
        )
    return table


def _values(feature: FeatureSpec) -> str:
    if feature.kind in ("numeric", "integer"):
        seen = " seen (open)" if feature.open_range else ""
        return f"{feature.minimum} … {feature.maximum}{seen}"
    if feature.kind != "categorical":
        return ""
    shown = ", ".join(feature.categories[:SHOWN_CATEGORIES])
    more = len(feature.categories) - SHOWN_CATEGORIES
    extra = f" (+{more})" if more > 0 else ""
    return f"{shown}{extra}{' + unseen (open)' if feature.open_categories else ''}"


def _example(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # as in the JSON, not Python's True
    return "" if value is None else str(value)

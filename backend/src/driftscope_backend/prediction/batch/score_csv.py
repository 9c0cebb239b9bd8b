"""`driftscope score-csv IN OUT`: score a CSV file in-process or through a running backend."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from driftscope.errors import ContractError, DriftscopeError, ModelNotFoundError
from driftscope.serving.artifact import LoadedModel, load_model
from driftscope.settings import Settings, get_settings
from driftscope_backend.prediction.batch.reader import parse_header, read_header, row_blocks
from driftscope_backend.prediction.batch.service import OUTPUT_HEADER, BatchScorer, score_blocks
from driftscope_backend.prediction.writer import PredictionWriter, make_writer

console = Console(stderr=True)
BATCH_PATH = "/api/v1/predict/batch"
UPLOAD_CHUNK = 1 << 20


def score_csv(
    input_csv: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV to score.")],
    output_csv: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write results.")],
    url: Annotated[
        str | None,
        typer.Option(help="Score through a running backend (e.g. http://127.0.0.1:8000)."),
    ] = None,
    log: Annotated[
        bool, typer.Option("--log", help="In-process only: log predictions (source=batch).")
    ] = False,
) -> None:
    """Score a CSV (contract columns, optional transaction_id/id) into a CSV of results.

    Without --url the production model is loaded from the registry and the file is scored in
    this process; nothing is logged unless --log. With --url the file is streamed to
    POST /api/v1/predict/batch and the streamed answer written out (the server logs it).
    """
    if url and log:
        raise typer.BadParameter("a server always logs batch rows", param_hint="--log")
    try:
        if url:
            rows, errors = _remote(input_csv, output_csv, url.rstrip("/"))
        else:
            rows, errors = asyncio.run(_local(input_csv, output_csv, get_settings(), log))
    except DriftscopeError as exc:
        console.print(f"[red]error:[/red] {exc.message}", soft_wrap=True)
        for detail in exc.details if isinstance(exc.details, list) else []:
            console.print(f"  {detail.get('field')}: {detail.get('reason')}", soft_wrap=True)
        raise typer.Exit(2) from exc
    console.print(
        f"{rows:,} rows scored into {output_csv} ({errors:,} with an error)", soft_wrap=True
    )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        console=console,
    )


async def production_model(settings: Settings) -> LoadedModel:
    from driftscope import registry
    from driftscope.db import create_engine, make_sessionmaker, upgrade

    engine = create_engine(settings.resolved_database_url)
    try:
        await upgrade(engine)
        async with make_sessionmaker(engine)() as session:
            target = await registry.resolve(session, settings.model_name)
    finally:
        await engine.dispose()
    if target is None:
        raise ModelNotFoundError("no production model (run: driftscope train)")
    return load_model(Path(target.artifact_path), target.sha256, target.version)


async def _local(source: Path, target: Path, settings: Settings, log: bool) -> tuple[int, int]:
    model = await production_model(settings)
    writer = _writer(settings) if log else None
    try:
        return await score_file(model, source, target, settings, writer)
    finally:
        if writer is not None:
            await writer.stop()
            await writer.engine.dispose()


async def score_file(
    model: LoadedModel,
    source: Path,
    target: Path,
    settings: Settings,
    writer: PredictionWriter | None = None,
) -> tuple[int, int]:
    """Score `source` into `target` in this process (blocks in two threads, in order); log
    the rows through `writer` when given. Returns (rows, rows with an error)."""
    from driftscope_backend.prediction.batch.router import store_block

    rows = errors = 0
    with source.open("rb") as src, target.open("wb") as out, _progress() as bar:
        task = bar.add_task("scoring", total=src.seek(0, 2))
        src.seek(0)
        layout = parse_header(read_header(src), model.contract)
        log = writer.bulk if writer is not None else None
        profile = None
        if writer is not None:
            profile = await writer.profile_of(model.model_name, model.version)
        scorer = BatchScorer(
            model, layout, use_rules=settings.rules_enabled, log=log, profile=profile
        )
        out.write(OUTPUT_HEADER)
        blocks = _checked(row_blocks(src, settings.batch_chunk_rows))
        for scored, text, logged in score_blocks(scorer, blocks):
            if writer is not None:
                await store_block(writer, logged)
            out.write(text)
            rows, errors = rows + scored.n, errors + int((~scored.valid).sum())
            bar.update(task, completed=src.tell())
    return rows, errors


def _checked(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """Blocks that decode as UTF-8 (the server refuses other bytes as a whole; so does this)."""
    for block in blocks:
        try:
            block.decode("utf-8")
        except UnicodeDecodeError as exc:
            reason = f"not UTF-8: {exc.reason} (byte {exc.start} of a block)"
            raise ContractError(
                f"CSV file is {reason}", [{"field": "body", "reason": reason}]
            ) from exc
        yield block


def _writer(settings: Settings) -> PredictionWriter:
    from driftscope.db import create_engine

    # not started: batch blocks are written straight away, nothing is buffered
    return make_writer(settings, create_engine(settings.resolved_database_url))


def _remote(source: Path, target: Path, url: str) -> tuple[int, int]:
    import csv

    import httpx

    rows = errors = 0
    with source.open("rb") as src, target.open("wb") as out, _progress() as bar:
        upload = bar.add_task("uploading", total=source.stat().st_size)
        results = bar.add_task("results", total=None)

        def chunks() -> Iterator[bytes]:
            while chunk := src.read(UPLOAD_CHUNK):
                bar.update(upload, advance=len(chunk))
                yield chunk

        headers = {"content-type": "text/csv"}
        with httpx.stream(
            "POST", url + BATCH_PATH, content=chunks(), headers=headers, timeout=None
        ) as response:
            if response.status_code != 200:
                raise _server_error(response)
            records = csv.reader(_lines(response.iter_bytes(), out, bar, results))
            next(records, None)  # the header
            for record in records:
                rows += 1
                errors += len(record) > 5 and bool(record[5])
    return rows, errors


def _lines(chunks: Iterator[bytes], out: IO[bytes], bar: Progress, task: TaskID) -> Iterator[str]:
    """Write the response through to `out`, yielding its text line by line (for csv.reader)."""
    rest = b""
    for chunk in chunks:
        out.write(chunk)
        bar.update(task, advance=len(chunk))
        data = rest + chunk
        cut = data.rfind(b"\n") + 1
        rest = data[cut:]
        yield from data[:cut].decode("utf-8").splitlines(keepends=True)
    if rest:
        yield rest.decode("utf-8")


def _server_error(response: object) -> DriftscopeError:
    import httpx

    assert isinstance(response, httpx.Response)
    response.read()
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return DriftscopeError(f"HTTP {response.status_code}: {response.text[:500]}")
    return DriftscopeError(f"HTTP {response.status_code}: {error['message']}", error.get("details"))


def register(app: typer.Typer) -> None:
    app.command("score-csv")(score_csv)

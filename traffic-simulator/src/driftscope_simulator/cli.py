"""`driftscope simulate` (also `driftscope-simulator`): send realistic traffic to the backend."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.live import Live
from rich.text import Text

from driftscope.logs import configure_logging
from driftscope.scenarios import SCENARIOS
from driftscope.settings import get_settings
from driftscope.text.traffic import CONTENT_SCENARIOS

SCENARIO_CHOICES = [*SCENARIOS, "auto"]


def _status_line(sim: Any) -> Text:
    s = sim.status()
    p50 = "-" if s["p50_ms"] is None else f"{s['p50_ms']:.1f}"
    p99 = "-" if s["p99_ms"] is None else f"{s['p99_ms']:.1f}"
    scenario = s["scenario"] if s["scenario"] == s["phase"] else f"{s['scenario']}→{s['phase']}"
    control = "[green]control ok[/]" if sim.control_online else "[yellow]no control[/]"
    return Text.from_markup(
        f"[bold]{s['actual_rate']:6.1f}[/] req/s (target {sim.desired.rate:g})  p50 {p50} ms  p99 {p99} ms  "
        f"sent {s['sent']:,}  errors [red]{s['failed']:,}[/]  throttled {s['throttled']:,}  "
        f"scenario [cyan]{scenario}[/] ×{sim.desired.intensity:g}  {_content_part(sim)}  "
        f"labels pending {s['labels_pending']:,} sent {s['labels_sent']:,}  {control}"
    )


def _content_part(sim: Any) -> str:
    desired, status = sim.desired.content, sim.content.status()
    if not desired.running:
        return "content [dim]off[/]"
    if not status["served"]:
        return "content [yellow]model not served[/]"
    return (
        f"content {status['actual_rate']:.1f} msg/s (target {desired.rate:g}) "
        f"sent {status['sent']:,} scenario [cyan]{desired.scenario}[/] ×{desired.intensity:g}"
    )


# The options of `driftscope simulate`; None means "the backend's control row decides".
Rate = Annotated[
    float | None, typer.Option(min=1, max=1000, help="Target requests/s (default 20).")
]
Scenario = Annotated[
    str | None, typer.Option(help=f"One of {', '.join(SCENARIO_CHOICES)} (default auto).")
]
Intensity = Annotated[
    float | None, typer.Option(min=0, max=3, help="Scenario strength (default 1).")
]
FraudRate = Annotated[
    float | None, typer.Option(min=0.001, max=0.5, help="Base fraud rate (default 0.04).")
]
ApiKey = Annotated[
    str | None,
    typer.Option(
        envvar="DRIFTSCOPE_API_KEY",
        help="API key sent on every call; an admin key also lets the dashboard steer the "
        "simulator (default: the first plain key of DRIFTSCOPE_ADMIN_API_KEYS).",
    ),
]
Duration = Annotated[
    float | None, typer.Option(min=1, help="Stop after N seconds (default: run until Ctrl-C).")
]
LabelDelay = Annotated[tuple[float, float], typer.Option(help="Label delay range in seconds.")]
LabelCoverage = Annotated[
    float, typer.Option(min=0, max=1, help="Share of predictions that get a label.")
]
ContentRate = Annotated[
    float | None,
    typer.Option(min=1, max=1000, help="Content stream: messages/s (default 5)."),
]
ContentScenario = Annotated[
    str | None,
    typer.Option(
        help="Content stream scenario: "
        + "; ".join(f"{name} ({what})" for name, what in CONTENT_SCENARIOS.items())
        + " (default none)."
    ),
]
ContentIntensity = Annotated[
    float | None,
    typer.Option(
        min=0, max=3, help="Content scenario strength: its share min(1, 0.5 × N) (default 1)."
    ),
]
ContentOn = Annotated[
    bool | None,
    typer.Option(
        "--content/--no-content",
        help="Send the content stream (real messages to the content model; default on).",
    ),
]
Control = Annotated[
    bool, typer.Option(help="Follow live control from the backend (/api/v1/simulator).")
]


def simulate(
    rate: Rate = None,
    scenario: Scenario = None,
    intensity: Intensity = None,
    fraud_rate: FraudRate = None,
    url: Annotated[str | None, typer.Option(help="Backend URL (DRIFTSCOPE_API_URL).")] = None,
    api_key: ApiKey = None,
    seed: Annotated[int | None, typer.Option(help="Random seed.")] = None,
    duration: Duration = None,
    label_delay: LabelDelay = (10.0, 60.0),
    label_coverage: LabelCoverage = 0.8,
    bursts: Annotated[bool, typer.Option(help="10× bursts of 10 s every 3 minutes.")] = False,
    control: Control = True,
    quiet: Annotated[bool, typer.Option(help="No live status line.")] = False,
    content_rate: ContentRate = None,
    content_scenario: ContentScenario = None,
    content_intensity: ContentIntensity = None,
    content: ContentOn = None,
) -> None:
    """Send transactions (and real messages to the content model), each stream at its own
    rate with its own drift scenario; labels follow late."""
    from driftscope_simulator.runner import Options, Simulator

    _check_choices(scenario, label_delay)
    _check_content_scenario(content_scenario)
    settings = get_settings()
    desired: dict[str, Any] = {
        "rate": rate, "scenario": scenario, "intensity": intensity, "fraud_rate": fraud_rate
    }  # fmt: skip
    content_desired = {
        "running": content,
        "rate": content_rate,
        "scenario": content_scenario,
        "intensity": content_intensity,
    }
    desired["content"] = {k: v for k, v in content_desired.items() if v is not None} or None
    options = Options(
        url=url or settings.api_url,
        api_key=api_key or next(iter(sorted(settings.admin_keys)), None),
        seed=seed,
        duration_s=duration,
        label_delay_s=label_delay,
        label_coverage=label_coverage,
        bursts=bursts,
        control=control,
        # only what was given is set on the backend at start
        initial={k: v for k, v in desired.items() if v is not None} or None,
    )
    configure_logging("WARNING", settings.log_format)
    asyncio.run(_run(Simulator(options), quiet))


def _check_content_scenario(scenario: str | None) -> None:
    if scenario is not None and scenario not in CONTENT_SCENARIOS:
        raise typer.BadParameter(
            f"choose from {', '.join(CONTENT_SCENARIOS)}", param_hint="--content-scenario"
        )


def _check_choices(scenario: str | None, label_delay: tuple[float, float]) -> None:
    if scenario is not None and scenario not in SCENARIO_CHOICES:
        raise typer.BadParameter(
            f"choose from {', '.join(SCENARIO_CHOICES)}", param_hint="--scenario"
        )
    if label_delay[0] < 0 or label_delay[1] < label_delay[0]:
        raise typer.BadParameter("needs 0 <= MIN <= MAX", param_hint="--label-delay")


async def _run(sim: Any, quiet: bool) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, sim.stop)
    console = Console(stderr=True)
    task = asyncio.create_task(sim.run())
    if quiet or not console.is_terminal:
        while not task.done():
            # wake as soon as the run ends (a stop must not wait out the status interval)
            await asyncio.wait({task}, timeout=10)
            if not quiet and not task.done():
                console.print(_status_line(sim))
    else:
        with Live(_status_line(sim), console=console, refresh_per_second=2) as live:
            while not task.done():
                await asyncio.sleep(0.5)
                live.update(_status_line(sim))
    counters = await task
    console.print(
        f"stopped: {counters.ok:,} predictions, {counters.failed:,} errors, "
        f"{counters.throttled:,} throttled, {counters.labels_sent:,} labels sent"
    )


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)


def main() -> None:
    typer.run(simulate)

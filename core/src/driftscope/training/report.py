"""Rich tables for `driftscope train`: test metrics, the rules' measurements, search trials."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from driftscope.training.search import SearchResult

METRIC_ROWS = (
    "roc_auc",
    "pr_auc",
    "precision",
    "recall",
    "f1",
    "brier",
    "ece",
    "fraud_rate",
    "predicted_rate",
)


def print_training(
    out: Console, model: str, metrics: dict[str, Any], threshold: float, positive: str = "fraud"
) -> None:
    """The test metrics of `model` ("fraud v3") and, where it has rules, their measurements.

    The stored `fraud_rate` (share of the positive class) is shown as `<positive>_rate`."""
    kind = metrics.get("kind", "xgboost")
    table = Table(title=f"{model} ({kind}) — test split ({metrics['test']['n']:,} rows)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key in METRIC_ROWS:
        label = escape(f"{positive}_rate") if key == "fraud_rate" else key  # a user's class name
        table.add_row(label, f"{metrics['test'][key]:.4f}")
    table.add_row("threshold", f"{threshold:.3f} ({metrics['threshold_policy']})")
    ece_raw, ece_cal = metrics["ece_uncalibrated"]["test"], metrics["ece_calibrated"]["test"]
    table.add_row("ECE raw → calibrated", f"{ece_raw:.4f} → {ece_cal:.4f}")
    table.add_row("evaluator", metrics["evaluator"])
    if metrics.get("unlabelled_rows_skipped"):
        table.add_row("rows without target", f"{metrics['unlabelled_rows_skipped']:,} (skipped)")
    if "train_seconds" in metrics:
        table.add_row("train seconds", f"{metrics['train_seconds']:.1f}")
    out.print(table)
    if "rules" in metrics:
        print_rules(out, metrics["rules"])


def print_rules(
    out: Console, rules: dict[str, Any], classes: tuple[str, str] = ("fraud", "legit")
) -> None:
    """The rules' measurements; where they were also measured on other sets (`elsewhere`:
    the content model's 2003 mail and SMS corpus), their matches and precision there."""
    policy = rules["policy"]
    table = Table(
        title=f"rule set {rules['version']} — {rules['evaluated_on']} split (floors: "
        f"{classes[0]} {policy['min_precision']:g}, {classes[1]} "
        f"{policy['min_legit_precision']:g}, support {policy['min_support']})"
    )
    table.add_column("rule", no_wrap=True)
    for column in ("decision", "matched", "coverage", "precision"):
        table.add_column(column, justify="right")
    elsewhere = rules.get("elsewhere", {})
    for name in elsewhere:
        table.add_column(f"{name} matched / precision", justify="right")
    table.add_column("status", no_wrap=True)
    by_set = {name: {r["id"]: r for r in found["rules"]} for name, found in elsewhere.items()}
    for rule in rules["rules"]:
        other = [by_set[name][rule["id"]] for name in elsewhere]
        table.add_row(
            rule["id"],
            rule["decision"],
            f"{rule['matched']:,}",
            f"{rule['coverage']:.2%}",
            _precision(rule["precision"]),
            *(f"{o['matched']:,} / {_precision(o['precision'])}" for o in other),
            "[green]accepted[/]" if rule["accepted"] else "[red]refused[/]",
        )
    out.print(table)
    for rule in rules["rules"]:
        if not rule["accepted"]:
            out.print(f"refused {rule['id']}: {rule['reason']}")
    fast = rules["fast_path"]
    if fast["matched"]:
        out.print(
            f"rules fast path: {fast['coverage']:.2%} of test rows decided, "
            f"{fast['accuracy']:.4f} correct"
        )


def _precision(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def print_search(out: Console, found: SearchResult) -> None:
    table = Table(title=f"search {found.search_id}: {len(found.trials)} trials")
    for column in ("run", "params", "CV ROC AUC", "CV PR AUC", "test ROC AUC", "seconds"):
        table.add_column(column, justify="left" if column == "params" else "right")
    for i, trial in enumerate(found.trials):
        params = ", ".join(f"{k}={v}" for k, v in trial.params.items() if k in _SEARCHED)
        roc, pr = trial.cv["roc_auc"], trial.cv["pr_auc"]
        table.add_row(
            f"{'★ ' if i == found.best else ''}{trial.run_id}",
            params,
            f"{roc['mean']:.4f} ± {roc['std']:.4f}",
            f"{pr['mean']:.4f} ± {pr['std']:.4f}",
            f"{trial.test['roc_auc']:.4f}",
            f"{trial.duration_s:.1f}",
        )
    out.print(table)


_SEARCHED = {
    "max_depth",
    "eta",
    "subsample",
    "colsample_bytree",
    "min_child_weight",
    "lambda",
    "n_estimators",
    "min_samples_leaf",
    "max_features",
    "class_weight",
    "criterion",
    "C",
}

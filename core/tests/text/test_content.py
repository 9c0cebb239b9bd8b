"""The built-in content model on the real corpora (a stratified subset: tests stay fast)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from driftscope import cli
from driftscope.db import create_engine, make_sessionmaker
from driftscope.registry import load_spec, resolve
from driftscope.serving.artifact import load_model, read_manifest
from driftscope.settings import Settings
from driftscope.spec import shipped_spec
from driftscope.text.artifact import TEXT_KIND, load_text_model
from driftscope.text.content import content_data, evaluation
from driftscope.text.descriptors import DESCRIPTORS
from driftscope.text.rules import shipped_rules
from driftscope.text.train import train_content
from driftscope.training.trainer import TrainResult

SHARE = 0.3


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, TrainResult]:
    root = tmp_path_factory.mktemp("content")
    settings = Settings(data_dir=root / "data", database_url=f"sqlite+aiosqlite:///{root}/db")
    return settings, asyncio.run(train_content(settings, share=SHARE))


def test_the_split_keeps_2003_as_later_traffic_and_hard_ham_everywhere(settings: Settings) -> None:
    data = content_data(settings.cache_dir, share=SHARE)
    for part in (data.train, data.valid, data.test):
        assert {m.year for m in part} == {2002}
        assert {m.group for m in part} == {"easy-ham-1", "hard-ham-1", "spam-1"}
    assert {m.group for m in data.later} == {"easy-ham-2", "spam-2"}
    ids = [(m.group, m.id) for m in (*data.train, *data.valid, *data.test)]
    assert len(ids) == len(set(ids))  # no message in two parts
    assert {m.label for m in data.sms} == {"spam", "ham"}


def test_content_trains_registers_and_reloads_with_the_same_scores(
    trained: tuple[Settings, TrainResult],
) -> None:
    settings, result = trained
    assert (result.version, result.promoted, result.evaluator) == (1, True, TEXT_KIND)
    assert result.metrics["threshold_policy"] == "recall:0.99"
    evaluation_sets = result.metrics["evaluation"]
    assert set(evaluation_sets) == {"test_2002", "later_2003", "hard_ham_test", "sms"}
    assert evaluation_sets["test_2002"]["roc_auc"] > 0.95  # a real model, even on 30 %
    assert evaluation_sets["hard_ham_test"]["spam"] == 0
    # the gate and the overview read a version's test metrics under "test"
    assert result.metrics["test"]["f1"] == evaluation_sets["test_2002"]["f1"]

    manifest = read_manifest(result.directory)
    model = load_text_model(result.directory, manifest)
    texts = ["Re: the build\n\nfixed in trunk", "FREE!!! Click http://win.example NOW", ""]
    probabilities = model.probability(texts)
    assert probabilities[1] > probabilities[0]
    assert manifest["threshold"] == result.threshold

    async def registry() -> tuple[str, list[str], list[str]]:
        engine = create_engine(settings.resolved_database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                production = await resolve(session, "content")
                assert production is not None
                spec = await load_spec(session, "content")
                return production.kind, [f.kind for f in spec.features], list(spec.classes)
        finally:
            await engine.dispose()

    assert asyncio.run(registry()) == (TEXT_KIND, ["text"], ["spam", "ham"])
    profile = (result.directory / "reference_profile.json").read_text()
    for name in DESCRIPTORS:
        assert f'"text.{name}"' in profile


def test_every_shipped_rule_is_measured_on_the_test_split_and_the_sms_corpus(
    trained: tuple[Settings, TrainResult],
) -> None:
    """Accepted exactly when above both floors; the table is stored in the registry's metrics
    and the accepted rules beside the model, which serving loads."""
    settings, result = trained
    rules = result.metrics["rules"]
    policy = settings.rule_policy(text=True)
    assert rules["version"] == "content-rules-1" and rules["evaluated_on"] == "test"
    assert rules["policy"]["min_support"] == policy.min_support == 5
    shipped = [r.id for r in shipped_rules().rules]
    assert [r["id"] for r in rules["rules"]] == shipped
    n_test = result.metrics["evaluation"]["test_2002"]["n"]
    for rule in rules["rules"]:
        assert rule["coverage"] == pytest.approx(rule["matched"] / n_test)
        above = rule["matched"] >= policy.min_support and rule["precision"] >= policy.min_precision
        assert rule["accepted"] == above, rule
    for name in ("sms", "later_2003"):
        assert [r["id"] for r in rules["elsewhere"][name]["rules"]] == shipped
    manifest = read_manifest(result.directory)
    served = load_model(result.directory, contract=shipped_spec("content").contract())
    accepted = [r["id"] for r in rules["rules"] if r["accepted"]]
    assert "rules_file" in manifest and served.rules is not None
    assert [r.id for r in served.rules.rules] == accepted


def test_evaluation_by_hand() -> None:
    y = np.array([1, 1, 0, 0, 0])
    p = np.array([0.9, 0.4, 0.6, 0.2, 0.1])
    got = evaluation(y, p, 0.5)  # flagged: 0.9 (spam), 0.6 (ham); passed: 0.4 spam, 2 ham
    assert got["recall"] == 0.5
    assert got["ham_precision"] == pytest.approx(2 / 3)
    assert got["ham_flagged"] == pytest.approx(1 / 3)
    assert got["roc_auc"] == pytest.approx(5 / 6)  # 5 of 6 (spam, ham) pairs ordered


@pytest.mark.parametrize(
    "option", [["--data", "x.csv"], ["--kind", "xgboost"], ["--search", "random"]]
)
def test_content_options_that_do_not_apply_are_refused(
    option: list[str], settings: Settings, tmp_path: Path
) -> None:
    result = CliRunner().invoke(cli.app, ["train", "--name", "content", *option])
    assert result.exit_code == 2
    assert option[0] in result.output
    assert not settings.models_dir.exists()

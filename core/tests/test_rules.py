"""Rule set: matching (record and matrix agree), measured precision/coverage, the floors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.generator import generate_frame
from driftscope.rules import (
    Condition,
    Rule,
    RulePolicy,
    RuleSet,
    default_ruleset,
    fast_path_summary,
    measure_rules,
)

BIG_SPEND = Rule(
    "fraud-big",
    "fraud",
    "ratio >= 5 abroad",
    (Condition("amount_to_avg_ratio", ">=", 5.0), Condition("is_foreign", "in", [True])),
)
SMALL_LOCAL = Rule(
    "legit-small",
    "legit",
    "ratio < 0.5 in a low-risk country",
    (Condition("amount_to_avg_ratio", "<", 0.5), Condition("country_risk", "in", ["low"])),
)


def hand_frame() -> tuple[pd.DataFrame, np.ndarray]:
    """10 rows: 4 match fraud-big (3 frauds), 5 match legit-small (1 fraud), 1 matches neither."""
    base = FRAUD_CONTRACT.example()
    rows: list[dict[str, Any]] = []
    for fraud in (1, 1, 1, 0):
        rows.append({**base, "amount_to_avg_ratio": 7.0, "is_foreign": True, "is_fraud": fraud})
    for fraud in (0, 0, 0, 0, 1):
        rows.append({**base, "amount_to_avg_ratio": 0.2, "country_risk": "low", "is_fraud": fraud})
    rows.append({**base, "amount_to_avg_ratio": 2.0, "country_risk": "high", "is_fraud": 0})
    frame = pd.DataFrame(rows)
    return frame, frame["is_fraud"].to_numpy()


def test_precision_and_coverage_on_a_hand_made_frame() -> None:
    frame, y = hand_frame()
    ruleset = RuleSet("t1", FRAUD_CONTRACT, (BIG_SPEND, SMALL_LOCAL))
    policy = RulePolicy(min_precision=0.7, min_legit_precision=0.8, min_support=3)
    measured = measure_rules(ruleset, FRAUD_CONTRACT.encode_columns(frame), y, policy)
    by_id = {r["id"]: r for r in measured.report}
    assert by_id["fraud-big"]["matched"] == 4
    assert by_id["fraud-big"]["coverage"] == pytest.approx(0.4)
    assert by_id["fraud-big"]["precision"] == pytest.approx(3 / 4)
    assert by_id["fraud-big"]["probability"] == pytest.approx((3 + 1) / (4 + 2))
    assert by_id["legit-small"]["matched"] == 5
    assert by_id["legit-small"]["coverage"] == pytest.approx(0.5)
    assert by_id["legit-small"]["precision"] == pytest.approx(4 / 5)  # of "not fraud"
    assert by_id["legit-small"]["probability"] == pytest.approx((1 + 1) / (5 + 2))
    assert [r.id for r in measured.rules] == ["fraud-big", "legit-small"]
    summary = fast_path_summary(measured, FRAUD_CONTRACT.encode_columns(frame), y)
    assert summary == {
        "coverage": pytest.approx(0.9),
        "accuracy": pytest.approx(7 / 9),
        "matched": 9,
    }


def test_the_floor_refuses_a_bad_rule_and_says_why() -> None:
    frame, y = hand_frame()
    ruleset = RuleSet("t1", FRAUD_CONTRACT, (BIG_SPEND, SMALL_LOCAL))
    strict = RulePolicy(min_precision=0.95, min_legit_precision=0.8, min_support=3)
    measured = measure_rules(ruleset, FRAUD_CONTRACT.encode_columns(frame), y, strict)
    assert [r.id for r in measured.rules] == ["legit-small"]
    refused = next(r for r in measured.report if r["id"] == "fraud-big")
    assert refused["accepted"] is False
    assert refused["reason"] == "precision 0.7500 below the floor 0.95"

    thin = RulePolicy(min_precision=0.5, min_legit_precision=0.5, min_support=5)
    measured = measure_rules(ruleset, FRAUD_CONTRACT.encode_columns(frame), y, thin)
    assert [r.id for r in measured.rules] == ["legit-small"]
    assert measured.report[0]["reason"] == "matched 4 rows, fewer than the 5 needed"


def test_match_on_records_agrees_with_the_matrix_path() -> None:
    frame = generate_frame(20_000, seed=5).drop(columns="is_fraud")
    frame.loc[::50, "merchant_category"] = "crypto"  # unseen category: in no list
    frame.loc[::40, "card_age_days"] = 0
    ruleset = default_ruleset(FRAUD_CONTRACT)
    records = frame.to_dict("records")
    for record in records:
        for name in ("distance_from_home_km", "seconds_since_last_txn"):
            if pd.isna(record[name]):
                record[name] = None
    by_record = [ruleset.match(r) for r in records]
    by_matrix = ruleset.match_matrix(FRAUD_CONTRACT.encode_columns(frame))
    expected = [ruleset.rules[i].id if i >= 0 else None for i in by_matrix]
    assert [r.id if r else None for r in by_record] == expected
    assert sum(e is not None for e in expected) > 500  # the rules do fire


def test_missing_values_satisfy_no_comparison() -> None:
    rule = Rule("near", "legit", "close to home", (Condition("distance_from_home_km", "<", 5.0),))
    ruleset = RuleSet("t", FRAUD_CONTRACT, (rule,))
    record = {**FRAUD_CONTRACT.example(), "distance_from_home_km": None}
    assert ruleset.match(record) is None
    assert ruleset.match({**record, "distance_from_home_km": 1.0}) is rule
    encoded = np.asarray([FRAUD_CONTRACT.encode_record(record)], dtype=np.float32)
    assert ruleset.match_matrix(encoded).tolist() == [-1]


def test_rule_set_round_trips_through_json(tmp_path: Any) -> None:
    frame, y = hand_frame()
    measured = measure_rules(
        default_ruleset(FRAUD_CONTRACT), FRAUD_CONTRACT.encode_columns(frame), y, RulePolicy()
    )
    path = tmp_path / "rules.json"
    measured.save(path)
    loaded = RuleSet.load(path, FRAUD_CONTRACT)
    assert loaded.to_dict() == measured.to_dict()


def test_invalid_conditions_are_refused_when_the_set_is_built() -> None:
    with pytest.raises(ValueError, match="amount: `in` needs a categorical"):
        RuleSet("t", FRAUD_CONTRACT, (Rule("x", "fraud", "", (Condition("amount", "in", [1]),)),))
    with pytest.raises(ValueError, match="channel: op '<' is not valid"):
        RuleSet("t", FRAUD_CONTRACT, (Rule("x", "fraud", "", (Condition("channel", "<", 1),)),))

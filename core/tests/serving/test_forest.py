"""The compiled flat-array evaluator must reproduce XGBoost's raw margin."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson
import pytest
import xgboost as xgb

from driftscope.contract import FRAUD_CONTRACT
from driftscope.errors import ArtifactError
from driftscope.generator import generate_frame
from driftscope.serving.forest import CompiledForest, FlatForest, compile_evaluator

N_FEATURES = len(FRAUD_CONTRACT.features)


@dataclass(frozen=True)
class SmallModel:
    booster: xgb.Booster
    forest: FlatForest
    library: Path
    data: np.ndarray


@pytest.fixture(scope="module")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> SmallModel:
    """A freshly trained booster (40 trees, depth 4), flattened and compiled."""
    frame = generate_frame(5_000, seed=21)
    x = FRAUD_CONTRACT.encode_columns(frame)
    params = {"objective": "binary:logistic", "max_depth": 4, "eta": 0.3, "seed": 21}
    booster = xgb.train(params, xgb.DMatrix(x, frame["is_fraud"].to_numpy()), 40)
    forest = FlatForest.from_xgboost_json(orjson.loads(bytes(booster.save_raw("json"))), N_FEATURES)
    library = compile_evaluator(tmp_path_factory.mktemp("evaluator") / "evaluator.so")
    return SmallModel(booster, forest, library, x)


def check_matrix(model: SmallModel, rng: np.random.Generator) -> np.ndarray:
    """10k rows with NaNs and with values exactly on (and just below) split thresholds."""
    x = model.data[rng.integers(0, len(model.data), 10_000)].copy()
    splits = np.flatnonzero(model.forest.left >= 0)
    rows = rng.permutation(len(x))
    on, below = rows[:4_000], rows[4_000:6_000]
    for picked, nudge in ((on, False), (below, True)):
        nodes = rng.choice(splits, len(picked))
        values = model.forest.value[nodes]
        x[picked, model.forest.feature[nodes]] = (
            np.nextafter(values, np.float32(-np.inf)) if nudge else values
        )
    x[rng.random(x.shape) < 0.05] = np.nan
    return x


def test_flat_forest_has_every_tree(small_model: SmallModel) -> None:
    forest = small_model.forest
    assert len(forest.tree_root) == small_model.booster.num_boosted_rounds() == 40
    assert forest.tree_root[0] == 0
    leaves = forest.left < 0
    assert np.all(forest.right[leaves] == -1)
    assert np.all(forest.feature[~leaves] < N_FEATURES)
    assert np.all(forest.left[~leaves] > np.arange(len(forest.left))[~leaves])


def test_base_margin_is_the_logit_of_the_base_score(small_model: SmallModel) -> None:
    config = orjson.loads(small_model.booster.save_config())
    base_score = config["learner"]["learner_model_param"]["base_score"].strip("[]")
    assert small_model.forest.base_margin == pytest.approx(
        math.log(float(base_score) / (1 - float(base_score))), abs=1e-6
    )


def test_compiled_margin_matches_xgboost(small_model: SmallModel) -> None:
    x = check_matrix(small_model, np.random.default_rng(3))
    assert np.isnan(x).any()
    compiled = CompiledForest(small_model.forest, small_model.library).margin(x)
    expected = small_model.booster.inplace_predict(x, predict_type="margin")
    assert compiled.dtype == np.float32
    np.testing.assert_allclose(compiled, expected, rtol=0, atol=1e-6)


def test_thresholds_send_equal_values_right_and_smaller_left(small_model: SmallModel) -> None:
    # Root split of the first tree: a value on the threshold and one just below take
    # different branches, exactly as in XGBoost.
    forest = small_model.forest
    feature, threshold = int(forest.feature[0]), forest.value[0]
    x = np.repeat(small_model.data[:1], 2, axis=0)
    x[0, feature] = threshold
    x[1, feature] = np.nextafter(threshold, np.float32(-np.inf))
    compiled = CompiledForest(forest, small_model.library).margin(x)
    expected = small_model.booster.inplace_predict(x, predict_type="margin")
    np.testing.assert_allclose(compiled, expected, rtol=0, atol=1e-6)


def test_margin_row_equals_margin(small_model: SmallModel) -> None:
    evaluator = CompiledForest(small_model.forest, small_model.library)
    x = check_matrix(small_model, np.random.default_rng(4))[:300]
    batch = evaluator.margin(x)
    single = [evaluator.margin_row(row) for row in x.tolist()]
    np.testing.assert_array_equal(np.asarray(single, dtype=np.float32), batch)


def test_margin_rejects_the_wrong_number_of_features(small_model: SmallModel) -> None:
    evaluator = CompiledForest(small_model.forest, small_model.library)
    with pytest.raises(ValueError, match=f"expected shape \\(n, {N_FEATURES}\\)"):
        evaluator.margin(np.zeros((3, N_FEATURES - 1), dtype=np.float32))


def test_save_and_load_round_trip(small_model: SmallModel, tmp_path: Path) -> None:
    small_model.forest.save(tmp_path / "forest.npz")
    loaded = FlatForest.load(tmp_path / "forest.npz")
    for name in ("left", "right", "feature", "value", "default_left", "tree_root"):
        original = getattr(small_model.forest, name)
        np.testing.assert_array_equal(getattr(loaded, name), original)
        assert getattr(loaded, name).dtype == original.dtype
    assert loaded.n_features == N_FEATURES
    assert loaded.base_margin == small_model.forest.base_margin


def test_compile_without_a_compiler_is_an_artifact_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("driftscope.serving.compiled.shutil.which", lambda _name: None)
    with pytest.raises(ArtifactError, match="no C compiler"):
        compile_evaluator(tmp_path / "evaluator.so")
    assert not (tmp_path / "evaluator.so").exists()

"""Model artifacts on disk (manifest + files with sha256) and loading them for serving."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import orjson

from driftscope.contract import FeatureContract, get_contract
from driftscope.errors import ArtifactError
from driftscope.predictors import Explanation, Predictor, load_predictor
from driftscope.rules import DecisiveRule, DecisiveRules, RuleSet, decide_rows
from driftscope.serving.forest import CompiledForest, FlatForest
from driftscope.training.calibration import PlattCalibrator

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
TREE_KINDS = ("xgboost", "random_forest", "decision_tree")
TEXT_KIND = "text_linear"  # driftscope.text: hashed TF-IDF + logistic regression on one text


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(directory: Path, manifest: dict[str, Any]) -> str:
    """Record each artifact file's sha256 in the manifest; returns the manifest's own sha256."""
    files = sorted(p.name for p in directory.iterdir() if p.is_file() and p.name != MANIFEST)
    manifest = {**manifest, "files": {name: sha256_file(directory / name) for name in files}}
    path = directory / MANIFEST
    path.write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    return sha256_file(path)


def read_manifest(directory: Path, expected_sha256: str | None = None) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.exists():
        raise ArtifactError(f"no model manifest at {path}")
    if expected_sha256 and sha256_file(path) != expected_sha256:
        raise ArtifactError(f"{path}: sha256 does not match the registry")
    manifest: dict[str, Any] = orjson.loads(path.read_bytes())
    for name, digest in manifest.get("files", {}).items():
        if not (directory / name).exists() or sha256_file(directory / name) != digest:
            raise ArtifactError(f"{directory / name}: missing or sha256 mismatch")
    return manifest


class MarginModel(Protocol):
    def margin_row(self, row: list[float]) -> float: ...
    def margin(self, matrix: np.ndarray) -> np.ndarray: ...


class BoosterMargin:
    """Fallback evaluator through XGBoost itself (used when the compiled library is absent)."""

    def __init__(self, model_file: Path) -> None:
        import xgboost as xgb

        self.booster = xgb.Booster(model_file=str(model_file))
        self.booster.set_param({"nthread": 1})

    def margin_row(self, row: list[float]) -> float:
        return float(self.margin(np.asarray([row], dtype=np.float32))[0])

    def margin(self, matrix: np.ndarray) -> np.ndarray:
        return np.asarray(
            self.booster.inplace_predict(matrix, predict_type="margin"), dtype=np.float32
        )


@dataclass
class LoadedModel:
    """A servable model version: contract, evaluator, calibration, threshold and rule set."""

    model_name: str
    version: int
    kind: str
    threshold: float
    calibrator: PlattCalibrator
    evaluator: MarginModel
    manifest: dict[str, Any]
    directory: Path
    rules: DecisiveRules | None = None  # accepted decisive rules: the fast path before the model
    # The version's own contract (from its stored spec); None: the built-in model's.
    contract: FeatureContract = field(default=None)  # type: ignore[assignment]
    # What the evaluator is given for a validated item: the contract's float row, or a text
    # model's text (driftscope.text.serving); read once per prediction.
    encode: Callable[[Mapping[str, Any]], Any] = field(default=None)  # type: ignore[assignment]
    # The features a prediction logs, from the item and what `encode` made of it (None when it
    # was not encoded); None: the validated item as it is (tabular kinds).
    describe: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None
    _explainer: Predictor | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.contract is None:
            self.contract = get_contract(self.model_name)
        if self.encode is None:
            self.encode = self.contract.encode_record

    def probability_row(self, encoded: Any) -> float:
        return self.calibrator.one(self.evaluator.margin_row(encoded))

    def decide(
        self, record: Mapping[str, Any], use_rules: bool = True
    ) -> tuple[DecisiveRule | None, Any, float, bool]:
        """One validated record as /predict decides it: the accepted rules first (when
        `use_rules`), else the model. Returns (the matching rule or None, the encoded input or
        None on the rules path, the probability, whether it is the positive class)."""
        rule = self.rules.match(record) if use_rules and self.rules is not None else None
        if rule is not None:
            return rule, None, float(rule.probability or 0.0), rule.positive
        encoded = self.encode(record)
        probability = self.probability_row(encoded)
        return None, encoded, probability, probability >= self.threshold

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        return self.calibrator(self.evaluator.margin(matrix))

    def decide_matrix(
        self, matrix: np.ndarray, use_rules: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`decide` for encoded rows at once: (probability, positive class, by rules)."""
        rules = self.rules if use_rules else None
        return decide_rows(
            rules, matrix, lambda rows: self.probability(matrix[rows]), self.threshold
        )

    def explain(self, matrix: np.ndarray) -> list[Explanation]:
        """Additive attributions of the raw margin (off the hot path: the explainer, e.g. the
        XGBoost booster for TreeSHAP, is loaded on first use)."""
        if self._explainer is None:
            self._explainer = load_predictor(
                self.kind, self.directory, self.manifest, self.contract
            )
        return self._explainer.explain(np.asarray(matrix, dtype=np.float32))


def _evaluator(
    kind: str, directory: Path, manifest: dict[str, Any], contract: FeatureContract
) -> MarginModel:
    """The fastest verified evaluator: compiled C for tree kinds, else the kind's own."""
    if kind in TREE_KINDS:
        try:
            forest = FlatForest.load(directory / manifest["forest_file"])
            return CompiledForest(forest, directory / manifest["evaluator_file"])
        except (KeyError, OSError, ArtifactError) as exc:
            log.warning("compiled evaluator unavailable (%s); using the fallback", exc)
        if kind == "xgboost":
            return BoosterMargin(directory / manifest["model_file"])
        return FlatForest.load(directory / manifest["forest_file"])
    return load_predictor(kind, directory, manifest, contract)


def load_model(
    directory: Path,
    expected_sha256: str | None = None,
    expected_version: int | None = None,
    contract: FeatureContract | None = None,
) -> LoadedModel:
    """Load and verify an artifact directory (every file's sha256 against the manifest).

    `contract`: the version's, from the spec stored with it in the registry; None reads the
    built-in model's (a user model has none in code)."""
    manifest = read_manifest(directory, expected_sha256)
    if expected_version is not None and int(manifest["version"]) != expected_version:
        raise ArtifactError(
            f"{directory}: manifest is version {manifest['version']}, registry says {expected_version}"
        )
    kind = manifest.get("kind", "xgboost")
    contract = contract or get_contract(manifest["model_name"])
    rules_file = manifest.get("rules_file")
    if kind == TEXT_KIND:
        return _loaded_text(manifest, directory, contract)
    return _loaded(
        manifest,
        directory,
        contract,
        evaluator=_evaluator(kind, directory, manifest, contract),
        rules=RuleSet.load(directory / rules_file, contract) if rules_file else None,
    )


def _loaded(
    manifest: dict[str, Any], directory: Path, contract: FeatureContract, **parts: Any
) -> LoadedModel:
    """The LoadedModel of a verified manifest; `parts`: its evaluator, rules and the rest."""
    calibration = manifest["calibration"]
    return LoadedModel(
        model_name=manifest["model_name"],
        version=int(manifest["version"]),
        kind=manifest.get("kind", "xgboost"),
        threshold=float(manifest["threshold"]),
        calibrator=PlattCalibrator(calibration["a"], calibration["b"]),
        manifest=manifest,
        directory=directory,
        contract=contract,
        **parts,
    )


def _loaded_text(
    manifest: dict[str, Any], directory: Path, contract: FeatureContract
) -> LoadedModel:
    """A text model version: its one text feature handed to the evaluator whole, its
    descriptors logged with each prediction."""
    from driftscope.text.artifact import (  # text imports this module
        load_text_kernel,
        load_text_model,
        load_text_rules,
    )
    from driftscope.text.serving import TextMargin, text_describer, text_encoder

    texts = [f.name for f in contract.features if f.kind == "text"]
    if len(texts) != 1:
        raise ArtifactError(
            f"{directory}: a text model needs exactly one text feature, not {texts}"
        )
    model = load_text_model(directory, manifest)
    evaluator = TextMargin(model, load_text_kernel(directory, manifest, model))
    rules = load_text_rules(directory, manifest, texts[0])
    return _loaded(
        manifest,
        directory,
        contract,
        evaluator=evaluator,
        rules=rules,
        encode=text_encoder(texts[0]),
        describe=text_describer(texts[0], evaluator.model, rules),
    )

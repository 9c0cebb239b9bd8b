"""Artifacts of a text model version: weights, threshold table, evaluation, profile, manifest.

`text_model.npz` holds the IDF and coefficient vectors (float64: the served margin is then
bit-for-bit the fitted one) and the intercept; the Platt calibration, threshold and metrics
are in the manifest, which records every file's sha256 as for the tabular kinds.
`text_kernel.so`: the compiled text kernel (driftscope.text.kernel), when it builds and
matches the Python path; without it the version scores through numpy.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from driftscope.errors import ArtifactError
from driftscope.serving.artifact import TEXT_KIND, write_manifest
from driftscope.text.features import N_FEATURES, TextFeatures
from driftscope.text.kernel import TextKernel, build_kernel
from driftscope.text.model import TextModel
from driftscope.text.rules import RULES_FILE, TextRuleSet
from driftscope.training.calibration import PlattCalibrator
from driftscope.training.threshold import write_threshold_table

log = logging.getLogger(__name__)
MODEL_FILE = "text_model.npz"
TABLE_FILE = "threshold_table.csv"
EVALUATION_FILE = "evaluation.json"
PROFILE_FILE = "reference_profile.json"


def write_text_artifacts(
    directory: Path,
    model: TextModel,
    *,
    model_name: str,
    version: int,
    threshold: float,
    table: dict[str, np.ndarray],
    metrics: dict[str, Any],
    profile: dict[str, Any],
    rules: TextRuleSet | None = None,
) -> str:
    """Write every file of the version into `directory`; returns the manifest's sha256.
    `rules`: the accepted layer-1 rules (driftscope.text.rules), run before the model."""
    directory.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        directory / MODEL_FILE,
        idf=model.features.idf,
        vocabulary=model.features.vocabulary,
        coef=model.coef,
        intercept=np.array([model.intercept]),
        c=np.array([model.c]),
    )
    write_threshold_table(directory / TABLE_FILE, table)
    (directory / EVALUATION_FILE).write_bytes(
        orjson.dumps(metrics.get("evaluation", {}), option=orjson.OPT_INDENT_2)
    )
    (directory / PROFILE_FILE).write_bytes(orjson.dumps(profile))
    if rules is not None:
        rules.save(directory / RULES_FILE)
    kernel = build_kernel(directory, model.features.idf, model.coef)
    manifest = {
        "model_name": model_name,
        "version": version,
        "kind": TEXT_KIND,
        "threshold": threshold,
        "calibration": {"a": model.calibrator.a, "b": model.calibrator.b},
        "metrics": metrics,
        "feature_names": ["text"],
        "model_file": MODEL_FILE,
        "evaluator": "text_linear",
        **({"rules_file": RULES_FILE} if rules is not None else {}),
        **kernel,
    }
    return write_manifest(directory, manifest)


def load_text_model(directory: Path, manifest: dict[str, Any]) -> TextModel:
    """The model of a verified manifest (`read_manifest` checked every file's sha256)."""
    with np.load(directory / manifest["model_file"]) as arrays:
        idf, coef, vocabulary = arrays["idf"], arrays["coef"], arrays["vocabulary"]
        intercept, c = float(arrays["intercept"][0]), float(arrays["c"][0])
    if idf.shape != (N_FEATURES,) or coef.shape != (N_FEATURES,):
        raise ArtifactError(f"{directory}: text model of {coef.shape} weights, not {N_FEATURES}")
    calibration = manifest["calibration"]
    calibrator = PlattCalibrator(float(calibration["a"]), float(calibration["b"]))
    return TextModel(TextFeatures(idf, vocabulary), coef, intercept, calibrator, c)


def load_text_kernel(
    directory: Path, manifest: dict[str, Any], model: TextModel
) -> TextKernel | None:
    """The version's compiled text kernel (checked when it was built), or None: numpy."""
    if "kernel_file" not in manifest:
        return None
    try:
        return TextKernel(directory / manifest["kernel_file"], model.features.idf, model.coef)
    except OSError as exc:  # e.g. the artifact moved to a machine of another architecture
        log.warning("text kernel unavailable (%s); scoring through numpy", exc)
        return None


def load_text_rules(directory: Path, manifest: dict[str, Any], feature: str) -> TextRuleSet | None:
    """The version's accepted rules, on its text feature (None: a version without rules)."""
    if "rules_file" not in manifest:
        return None
    return TextRuleSet.from_dict(
        orjson.loads((directory / manifest["rules_file"]).read_bytes()), feature
    )

"""The built-in `content` model: spam vs ham on the SpamAssassin corpus, with honest evaluation.

Data (driftscope.corpora, fetched pinned): the 2002 groups of the SpamAssassin corpus are
split 60/20/20 (stratified by group, so hard_ham is in every part) into train, validation
and test; the 2003 groups are kept whole as later traffic; the SMS Spam Collection measures
another channel. Layer 2 (driftscope.text.model) is fitted on train, calibrated on
validation, and its threshold chosen on validation by a policy (default `recall:0.99`:
catch nearly all spam, then the best ham precision) from the confusion-matrix table, which
is saved with the model.

Evaluation, per set: ROC AUC, PR AUC, recall of spam, ham precision (of the messages let
through, the share that is ham) and the share of ham flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split

from driftscope.contract import Feature, FeatureContract
from driftscope.corpora.sms import SmsMessage, sms_collection
from driftscope.corpora.spamassassin import CorpusMessage, spam_assassin
from driftscope.profile import build_profile
from driftscope.text.descriptors import DESCRIPTORS, describe_many
from driftscope.text.model import TextModel, fit_text_model
from driftscope.training.metrics import classification_report
from driftscope.training.threshold import ThresholdPolicy, select_threshold, threshold_table

CONTENT = "content"
TEXT_FEATURE = "text"
DEFAULT_POLICY = ThresholdPolicy.parse("recall:0.99")


@dataclass(frozen=True)
class ContentData:
    train: list[CorpusMessage]
    valid: list[CorpusMessage]
    test: list[CorpusMessage]
    later: list[CorpusMessage]  # the 2003 groups: mail written after the training data
    sms: list[SmsMessage]  # another channel


def _labels(messages: Sequence[CorpusMessage | SmsMessage]) -> np.ndarray:
    return np.array([m.label == "spam" for m in messages], dtype=np.int64)


def _texts(messages: Sequence[CorpusMessage | SmsMessage]) -> list[str]:
    return [m.text for m in messages]


def split_corpus(
    messages: Sequence[CorpusMessage], sms: list[SmsMessage], seed: int = 42, share: float = 1.0
) -> ContentData:
    """2002 → train/valid/test (60/20/20 by group), 2003 → later; `share` < 1 takes a
    stratified subset of every part (tests train on a fraction)."""
    old = [m for m in messages if m.year == 2002]
    later = [m for m in messages if m.year == 2003]
    if share < 1.0:
        old = _subset(old, share, seed)
        later = _subset(later, share, seed)
        keep = np.random.default_rng(seed).permutation(len(sms))[: max(1, int(len(sms) * share))]
        sms = [sms[i] for i in sorted(keep)]
    train, rest = train_test_split(
        old, test_size=0.4, stratify=[m.group for m in old], random_state=seed
    )
    valid, test = train_test_split(
        rest, test_size=0.5, stratify=[m.group for m in rest], random_state=seed
    )
    return ContentData(train, valid, test, later, sms)


def _subset(messages: list[CorpusMessage], share: float, seed: int) -> list[CorpusMessage]:
    kept, _ = train_test_split(
        messages, train_size=share, stratify=[m.group for m in messages], random_state=seed
    )
    return sorted(kept, key=lambda m: (m.group, m.id))


def content_data(cache_dir: Path, seed: int = 42, share: float = 1.0) -> ContentData:
    """The corpora (fetched into `cache_dir` on first use), split."""
    return split_corpus(spam_assassin(cache_dir), sms_collection(cache_dir), seed, share)


def evaluation(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    """The content metrics of calibrated spam probabilities `p` at `threshold`."""
    report = classification_report(y, p, threshold)
    flagged = p >= threshold
    ham = y == 0
    passed = ~flagged
    return {
        "n": len(y),
        "spam": int(y.sum()),
        "roc_auc": report["roc_auc"],
        "pr_auc": report["pr_auc"],
        "recall": report["recall"],
        "precision": report["precision"],
        "f1": report["f1"],
        "ham_precision": float((passed & ham).sum() / passed.sum()) if passed.any() else 0.0,
        "ham_flagged": float((flagged & ham).sum() / ham.sum()) if ham.any() else 0.0,
    }


@dataclass(frozen=True)
class TrainedContent:
    model: TextModel
    threshold: float
    policy: str
    table: dict[str, np.ndarray]
    evaluation: dict[str, dict[str, float]]  # set name → metrics
    profile: dict[str, Any]

    @property
    def metrics(self) -> dict[str, Any]:
        """The registry's metrics: the 2002 test split's, plus every set's evaluation."""
        test = self.evaluation["test_2002"]
        headline = {k: test[k] for k in ("roc_auc", "pr_auc", "recall", "precision", "f1")}
        return {
            **headline,
            "test": headline,  # where the gate and the overview read a version's test metrics
            "spam_rate": test["spam"] / test["n"] if test["n"] else 0.0,
            "threshold": self.threshold,
            "threshold_policy": self.policy,
            "c": self.model.c,
            "evaluation": self.evaluation,
        }


def descriptor_contract() -> FeatureContract:
    """The profiled view of the content model: one numeric feature per text descriptor."""
    features = tuple(
        Feature(f"{TEXT_FEATURE}.{name}", "numeric", f"text descriptor: {name}")
        for name in DESCRIPTORS
    )
    return FeatureContract(CONTENT, "label", "text descriptors", features)


def fit_content(data: ContentData, policy: ThresholdPolicy = DEFAULT_POLICY) -> TrainedContent:
    model, _ = fit_text_model(
        _texts(data.train), _labels(data.train), _texts(data.valid), _labels(data.valid)
    )
    p_valid = model.probability(_texts(data.valid))
    table = threshold_table(_labels(data.valid), p_valid)
    threshold = select_threshold(table, policy)
    sets: dict[str, Sequence[CorpusMessage | SmsMessage]] = {
        "test_2002": data.test,
        "later_2003": data.later,
        "hard_ham_test": [m for m in data.test if m.group == "hard-ham-1"],
        "sms": data.sms,
    }
    scores = {name: model.probability(_texts(m)) for name, m in sets.items()}
    report = {name: evaluation(_labels(m), scores[name], threshold) for name, m in sets.items()}
    held_out = np.concatenate([p_valid, scores["test_2002"]])
    reference = [*data.valid, *data.test]
    columns = {
        f"{TEXT_FEATURE}.{k}": v
        for k, v in describe_many(_texts(reference), model.features).items()
    }
    profile = build_profile(descriptor_contract(), columns, held_out)
    return TrainedContent(model, threshold, policy.describe(), table, report, profile)

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

Layer 1 (driftscope.text.rules): the vendored SpamAssassin rules, each measured alone on the
test split and kept above the precision floor (the fraud rules' policy, with a support
floor sized for a test split of hundreds of messages); their precision on the 2003 mail and
the SMS corpus is reported beside it, as SpamAssassin may have tuned them on this corpus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split

from driftscope.contract import Feature, FeatureContract
from driftscope.corpora.sms import SmsMessage, sms_collection
from driftscope.corpora.spamassassin import CorpusMessage, spam_assassin
from driftscope.profile import build_profile
from driftscope.rules import RulePolicy, fast_path_summary
from driftscope.text.descriptors import DESCRIPTORS, describe_many
from driftscope.text.model import TextModel, fit_text_model
from driftscope.text.rules import TextRuleSet, measure_text_rules, precision_on, shipped_rules
from driftscope.text.vocabulary import vocabulary_profile
from driftscope.training.metrics import classification_report
from driftscope.training.threshold import ThresholdPolicy, select_threshold, threshold_table

CONTENT = "content"
TEXT_FEATURE = "text"
DEFAULT_POLICY = ThresholdPolicy.parse("recall:0.99")
# The fraud rules' precision floor; a rule must decide at least 5 of the ~650 test messages.
DEFAULT_RULE_POLICY = RulePolicy(min_precision=0.95, min_support=5)


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
    rules: TextRuleSet  # the accepted rules, their measurement in `report`
    rules_metrics: dict[str, Any]

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
            "rules": self.rules_metrics,
        }


def descriptor_contract() -> FeatureContract:
    """The profiled view of the content model: one numeric feature per text descriptor."""
    features = tuple(
        Feature(f"{TEXT_FEATURE}.{name}", "numeric", f"text descriptor: {name}")
        for name in DESCRIPTORS
    )
    return FeatureContract(CONTENT, "label", "text descriptors", features)


def measure_content_rules(
    data: ContentData, policy: RulePolicy = DEFAULT_RULE_POLICY
) -> tuple[TextRuleSet, dict[str, Any]]:
    """The shipped rules measured on the test split (refused ones dropped), and the metrics:
    every rule's measurement, the fast path on the test split, each rule's precision and the
    fast path on the 2003 mail and the SMS corpus."""
    shipped = shipped_rules(TEXT_FEATURE)
    measured = measure_text_rules(shipped, _texts(data.test), _labels(data.test), policy)
    elsewhere = {
        name: {
            "rules": precision_on(shipped, _texts(messages), _labels(messages)),
            "fast_path": fast_path_summary(
                measured, np.asarray(_texts(messages), dtype=object), _labels(messages)
            ),
        }
        for name, messages in (("later_2003", data.later), ("sms", data.sms))
    }
    test_texts = np.asarray(_texts(data.test), dtype=object)
    return measured, {
        "version": measured.version,
        "evaluated_on": "test",
        "policy": asdict(policy),
        "rules": measured.report,
        "fast_path": fast_path_summary(measured, test_texts, _labels(data.test)),
        "elsewhere": elsewhere,
    }


def fit_content(
    data: ContentData,
    policy: ThresholdPolicy = DEFAULT_POLICY,
    rule_policy: RulePolicy = DEFAULT_RULE_POLICY,
) -> TrainedContent:
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
    rules, rules_metrics = measure_content_rules(data, rule_policy)
    columns = {
        f"{TEXT_FEATURE}.{k}": v
        for k, v in describe_many(_texts(reference), model.features, rules).items()
    }
    profile = build_profile(descriptor_contract(), columns, held_out)
    profile["vocabulary"] = {TEXT_FEATURE: vocabulary_profile(_texts(reference))}
    return TrainedContent(
        model, threshold, policy.describe(), table, report, profile, rules, rules_metrics
    )

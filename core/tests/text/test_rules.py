"""Text rules: the vendored SpamAssassin set compiles, the prefilter never hides a match, and
rules are measured and refused on hand-made texts as the fraud rules are."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import orjson
import pytest

from driftscope.rules import RulePolicy, fast_path_summary
from driftscope.settings import Settings
from driftscope.text.content import content_data
from driftscope.text.features import MAX_CHARS
from driftscope.text.prefilter import fold, required_literals
from driftscope.text.rules import (
    SHIPPED_RULES,
    TextRule,
    TextRuleSet,
    measure_text_rules,
    precision_on,
    shipped_rules,
)

MONEY = TextRule("MONEY_BACK", "spam", "body", "money back guarantee", "i")
DEAR = TextRule("DEAR_FRIEND", "spam", "body", r"^\s*Dear Friend\b", "i")
VIAGRA = TextRule("DRUG_ED_CAPS", "spam", "body", r"\b(?:CIALIS|LEVITRA|VIAGRA)")
IP_LINK = TextRule(
    "IP_LINK_PLUS", "spam", "uri", r"^https?://\d+\.\d+\.\d+\.\d+.{0,20}(?:cgi|click|ads|id=)", "i"
)


def test_every_shipped_rule_compiles_and_carries_its_attribution() -> None:
    shipped = orjson.loads(SHIPPED_RULES.read_bytes())
    assert shipped["version"] == "content-rules-1" and shipped["licence"] == "Apache-2.0"
    assert "Apache Software Foundation" in shipped["notice"]
    ruleset = shipped_rules()
    assert 20 <= len(ruleset.rules) <= 60  # tens of strong rules, not hundreds
    for rule, raw in zip(ruleset.rules, shipped["rules"], strict=True):
        re.compile(rule.regex())
        assert rule.source_file.endswith(".cf") and raw["perl"].startswith(rule.target)
        assert rule.target in ("body", "uri") and rule.decision == "spam"
    assert len({r.id for r in ruleset.rules}) == len(ruleset.rules)


def test_a_rule_that_does_not_compile_is_an_error() -> None:
    with pytest.raises(re.error):  # Perl's \z is not Python's
        TextRuleSet("t", "text", (TextRule("BROKEN", "spam", "body", r"tracker\z"),))
    with pytest.raises(re.error, match="Perl flags"):
        TextRuleSet("t", "text", (TextRule("PERL_ONLY", "spam", "body", "x", "ig"),))


def test_required_literals_of_sequences_branches_and_repeats() -> None:
    assert required_literals("(?i:money back guarantee)") == {"money back guarantee"}
    assert required_literals(r"\b(?:CIALIS|LEVITRA|VIAGRA)") == {"cialis", "levitra", "viagra"}
    assert required_literals(r"(?:ab)+xyz\d") == {"xyz"}  # the longer requirement wins
    assert required_literals(r"(?:\$|usd)\d") == {"$", "usd"}
    assert required_literals(r"[a-z]+\d") is None  # no literal: the rule always runs
    assert required_literals(r"(?:free|\d+) offer") == {" offer"}  # a branch without one


def test_the_prefilter_never_hides_a_match_in_any_letter_case() -> None:
    """What one alternation of every rule finds, the prefiltered search finds: upper case,
    the long s and dotless i that re.IGNORECASE reads as s and i, a link without scheme."""
    ruleset = TextRuleSet("t", "text", (MONEY, DEAR, VIAGRA, IP_LINK))
    texts = [
        "MONEY BACK GUARANTEE",
        "Money back guaranteſe",  # no match: a letter in between
        "Dear fr\u0131end, hello",  # dotless i: re.IGNORECASE reads it as i
        "MONEY BACK GUARANTEE".replace("A", "a").replace("E", "e") + " ok",
        "hello\n  dear friend, read this",
        "get VIAGRA now",
        "get viagra now",  # case-sensitive rule: no match
        "click www.example.com or http://10.1.2.3/cgi-bin/x",
        "plain text",
        "money back guarantee".replace("e", "E").replace("u", "U"),
        "\u017fale: money back guarantee",
        "\u0130 money back guarantee \u0131",
    ]
    body = re.compile("|".join(f"(?P<r{i}>{r.regex()})" for i, r in enumerate(ruleset.rules)))
    for text in texts:
        found = body.search(text)
        expected = -1 if found is None else int(str(found.lastgroup)[1:])
        if expected == 3:  # the uri rule runs on links only
            expected = -1
        got = ruleset.first_index(text)
        assert got == (3 if "10.1.2.3" in text else expected), text
    assert fold("\u017fpam \u0130") == "spam i"


def test_the_leftmost_match_decides_and_links_come_after_the_body() -> None:
    ruleset = TextRuleSet("t", "text", (MONEY, DEAR, VIAGRA, IP_LINK))
    assert ruleset.first_index("VIAGRA with a money back guarantee") == 2
    assert ruleset.first_index("money back guarantee on VIAGRA") == 0
    assert ruleset.first_index("see http://10.0.0.1/click?id=3 for VIAGRA") == 2
    assert ruleset.first_index("see http://10.0.0.1/click?id=3") == 3
    assert ruleset.first_index("see http://10.0.0.1/ only") == -1
    record = {"text": "see http://10.0.0.1/click?id=3"}
    assert ruleset.match(record) is IP_LINK
    matrix = np.array(["x", "VIAGRA", record["text"]], dtype=object)
    assert ruleset.match_matrix(matrix).tolist() == [-1, 2, 3]


def hand_texts() -> tuple[list[str], np.ndarray]:
    """10 texts: MONEY_BACK matches 4 (3 spam), DRUG_ED_CAPS 2 (both spam), DEAR_FRIEND 0."""
    texts = [
        "Money back guarantee!",  # spam
        "A MONEY BACK GUARANTEE on every order",  # spam
        "money back guarantee, act now",  # spam
        "Our shop has a money back guarantee policy",  # ham
        "VIAGRA cheap",  # spam
        "LEVITRA and more",  # spam
        "meeting notes",  # ham
        "the build is broken",  # ham
        "lunch?",  # ham
        "cheap meds",  # spam, no rule
    ]
    return texts, np.array([1, 1, 1, 0, 1, 1, 0, 0, 0, 1])


def test_precision_and_coverage_on_hand_made_texts() -> None:
    texts, y = hand_texts()
    ruleset = TextRuleSet("t", "text", (MONEY, VIAGRA, DEAR))
    policy = RulePolicy(min_precision=0.7, min_support=2)
    measured = measure_text_rules(ruleset, texts, y, policy)
    by_id = {r["id"]: r for r in measured.report}
    assert by_id["MONEY_BACK"]["matched"] == 4
    assert by_id["MONEY_BACK"]["coverage"] == pytest.approx(4 / 10)
    assert by_id["MONEY_BACK"]["precision"] == pytest.approx(3 / 4)
    assert by_id["MONEY_BACK"]["probability"] == pytest.approx((3 + 1) / (4 + 2))
    assert by_id["DRUG_ED_CAPS"]["precision"] == 1.0 and by_id["DRUG_ED_CAPS"]["matched"] == 2
    assert by_id["DEAR_FRIEND"]["matched"] == 0 and by_id["DEAR_FRIEND"]["precision"] is None
    assert [r.id for r in measured.rules] == ["MONEY_BACK", "DRUG_ED_CAPS"]
    fast = fast_path_summary(measured, np.asarray(texts, dtype=object), y)
    assert (fast["matched"], fast["coverage"]) == (6, pytest.approx(6 / 10))
    assert fast["accuracy"] == pytest.approx(5 / 6)  # MONEY_BACK's ham


def test_rules_under_the_floors_are_refused_with_the_reason() -> None:
    texts, y = hand_texts()
    ruleset = TextRuleSet("t", "text", (MONEY, VIAGRA, DEAR))
    measured = measure_text_rules(ruleset, texts, y, RulePolicy(min_precision=0.8, min_support=3))
    reasons = {r["id"]: r["reason"] for r in measured.report}
    assert reasons["MONEY_BACK"] == "precision 0.7500 below the floor 0.8"
    assert reasons["DRUG_ED_CAPS"] == "matched 2 rows, fewer than the 3 needed"
    assert reasons["DEAR_FRIEND"] == "matched 0 rows, fewer than the 3 needed"
    assert measured.rules == ()
    assert not any(r["accepted"] for r in measured.report)


def test_precision_on_another_corpus_and_the_saved_set_round_trips(tmp_path: Path) -> None:
    texts, y = hand_texts()
    ruleset = measure_text_rules(
        TextRuleSet("t", "text", (MONEY, VIAGRA, DEAR)), texts, y, RulePolicy(0.7, min_support=2)
    )
    assert precision_on(ruleset, texts[:4], y[:4]) == [
        {"id": "MONEY_BACK", "matched": 4, "precision": 0.75},
        {"id": "DRUG_ED_CAPS", "matched": 0, "precision": None},
    ]
    ruleset.save(tmp_path / "rules.json")
    loaded = TextRuleSet.load(tmp_path / "rules.json")
    assert loaded.rules == ruleset.rules and loaded.report == ruleset.report
    assert loaded.match({"text": "VIAGRA"}) == ruleset.rules[1]


def test_on_real_mail_and_sms_the_prefilter_answers_as_one_alternation(settings: Settings) -> None:
    """Every shipped body rule, on a share of the corpora: the prefiltered search names the
    same rule as one alternation of all of them searched over each whole text."""
    data = content_data(settings.cache_dir, share=0.15)
    ruleset = TextRuleSet(
        "t", "text", tuple(r for r in shipped_rules().rules if r.target == "body")
    )
    body = re.compile("|".join(f"(?P<r{i}>{r.regex()})" for i, r in enumerate(ruleset.rules)))
    texts = [m.text[:MAX_CHARS] for m in (*data.test, *data.later, *data.sms)]
    expected = [-1 if (f := body.search(t)) is None else int(str(f.lastgroup)[1:]) for t in texts]
    got = ruleset.match_matrix(np.asarray(texts, dtype=object)).tolist()
    assert got == expected
    assert sum(i >= 0 for i in got) > 10  # the rules do fire on this sample

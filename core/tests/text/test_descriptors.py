"""Text descriptors on tiny hand-made texts (any script, emoji, empty)."""

from __future__ import annotations

import numpy as np
import pytest

from driftscope.text.descriptors import _URL, DESCRIPTORS, describe, describe_many
from driftscope.text.features import TextFeatures
from driftscope.text.rules import TextRule, TextRuleSet


def test_descriptors_of_a_plain_text() -> None:
    d = describe("Call NOW 0800 www.win.example or https://x.example/a?b=1")
    # visible characters: "CallNOW0800www.win.exampleorhttps://x.example/a?b=1" = 51
    assert d["chars"] == 56  # 51 visible + 5 spaces
    assert d["url_count"] == 2
    assert d["digit_share"] == pytest.approx(5 / 51)  # 0800 and the 1
    assert d["upper_share"] == pytest.approx(4 / 51)  # C, N, O, W
    assert d["non_ascii_share"] == 0.0
    assert d["words"] == 13  # call now 0800 www win example or https x example a b 1


def test_non_latin_and_emoji_are_counted_by_code_point() -> None:
    d = describe("Привет 😀 мир")
    assert d["chars"] == 12
    assert d["words"] == 2  # the emoji is not a word character
    assert d["non_ascii_share"] == 1.0
    assert d["upper_share"] == pytest.approx(1 / 10)  # П of 10 visible code points


@pytest.mark.parametrize("text", ["", "   \n\t", "😀"])
def test_empty_or_wordless_text_never_divides_by_zero(text: str) -> None:
    d = describe(text, TextFeatures.fit(["hello world"]))
    assert set(d) == set(DESCRIPTORS)
    assert d["oov_share"] == 0.0 and d["words"] == 0.0
    assert all(np.isfinite(v) for v in d.values())


def test_oov_share_against_the_training_vocabulary() -> None:
    features = TextFeatures.fit(["the cat sat", "the dog ran"])
    assert describe("the cat", features)["oov_share"] == 0.0
    assert describe("the zebra flew", features)["oov_share"] == pytest.approx(2 / 3)
    assert describe("ЗЕБРА", features)["oov_share"] == 1.0
    assert describe("the cat")["oov_share"] == 0.0  # no vocabulary: not measured


def test_describe_many_gives_a_column_per_descriptor() -> None:
    columns = describe_many(["a b", "", "WWW.x.org"])
    assert list(columns) == list(DESCRIPTORS)
    np.testing.assert_array_equal(columns["words"], [2, 0, 3])
    np.testing.assert_array_equal(columns["url_count"], [0, 0, 1])


def test_rules_hit_says_whether_an_accepted_rule_matches() -> None:
    rules = TextRuleSet("t", "text", (TextRule("MONEY_BACK", "spam", "body", "money back", "i"),))
    assert describe("Full MONEY BACK offer", rules=rules)["rules_hit"] == 1.0
    assert describe("meeting at noon", rules=rules)["rules_hit"] == 0.0
    assert describe("Full MONEY BACK offer")["rules_hit"] == 0.0  # a version without rules
    column = describe_many(["money back", "no", "Money Back!"], rules=rules)["rules_hit"]
    assert column.tolist() == [1.0, 0.0, 1.0]


def _shares_one_by_one(text: str) -> tuple[float, float, float]:
    visible = [c for c in text if not c.isspace()]
    n = len(visible) or 1
    return (
        sum(c.isdigit() for c in visible) / n,
        sum(c.isupper() for c in visible) / n,
        sum(ord(c) >= 128 for c in visible) / n,
    )


_EVERY_CODE_POINT = [
    "".join(map(chr, range(start, start + 0x8800))) + " A1\u00a0\U0001d7d8\U0001f600"
    for start in range(0, 0x110000, 0x8800)
]


@pytest.mark.parametrize("text", ["Ab 1\t2\x1c ²", "Ab 1\t2\x1c", "\ud800x", *_EVERY_CODE_POINT])
def test_character_shares_equal_str_predicates_one_by_one(text: str) -> None:
    # counted without a loop over the characters (ASCII bytes, a code-point table)
    d = describe(text)
    assert (d["digit_share"], d["upper_share"], d["non_ascii_share"]) == _shares_one_by_one(text)


@pytest.mark.parametrize(
    "text", ["HTTP://a b", "httpſ://x", "x WwW.y www.", "ｈttp://x", "no links", "İhttps://i"]
)
def test_url_count_equals_the_search_in_any_letter_case(text: str) -> None:
    assert describe(text)["url_count"] == len(_URL.findall(text))

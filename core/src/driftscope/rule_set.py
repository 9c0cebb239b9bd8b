"""The default fraud rule set (version `fraud-rules-1`): decisive rules and scorecard points."""

from __future__ import annotations

from typing import Any

from driftscope.rules import Condition, Points, Rule


def _c(feature: str, op: str, value: Any) -> Condition:
    return Condition(feature, op, value)


RISKY_MERCHANTS = ["electronics", "gaming", "digital_goods"]
EVERYDAY_MERCHANTS = ["grocery", "fuel", "restaurant"]

# Conditions several rules and scorecard entries share, named as the descriptions say them.
ABROAD = _c("is_foreign", "in", [True])
DOMESTIC = _c("is_foreign", "in", [False])
HIGH_RISK_COUNTRY = _c("country_risk", "in", ["high"])
LOW_RISK_COUNTRY = _c("country_risk", "in", ["low"])
RISKY_MERCHANT = _c("merchant_category", "in", RISKY_MERCHANTS)
CARD_OVER_2_YEARS = _c("card_age_days", ">", 730)

# Written from the generator's fraud process (docs/OPERATIONS.md, "Model kinds"). Its latent
# noise caps how sure any rule can be: on 500k generated rows the fraud rules fire on 0.01-0.02%
# of transactions at precision 0.77 and 0.96, so a 7,500-row test split cannot vouch for them
# (too few matches) and training refuses them; the legit rules measure 0.996-0.999.
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        "fraud-new-card-abroad-spike",
        "fraud",
        "amount ≥ 5× the card's 30-day average on a card under 180 days old, abroad",
        (_c("amount_to_avg_ratio", ">=", 5.0), _c("card_age_days", "<", 180), ABROAD),
    ),
    Rule(
        "fraud-high-risk-spike",
        "fraud",
        "amount ≥ 6× average at a risky merchant in a high-risk country, abroad",
        (_c("amount_to_avg_ratio", ">=", 6.0), HIGH_RISK_COUNTRY, ABROAD, RISKY_MERCHANT),
    ),
    Rule(
        "legit-small-established-domestic",
        "legit",
        "amount under half the card's average, card over 2 years old, domestic, low-risk country",
        (_c("amount_to_avg_ratio", "<", 0.5), CARD_OVER_2_YEARS, DOMESTIC, LOW_RISK_COUNTRY),
    ),
    Rule(
        "legit-tiny-in-store",
        "legit",
        "amount under 10 in store (pos) on a card over 2 years old, low-risk country",
        (
            _c("amount", "<", 10.0),
            _c("channel", "in", ["pos"]),
            CARD_OVER_2_YEARS,
            LOW_RISK_COUNTRY,
        ),
    ),
    Rule(
        "legit-everyday-small",
        "legit",
        "amount under half the average at grocery/fuel/restaurant on a card over a year old",
        (
            _c("amount_to_avg_ratio", "<", 0.5),
            _c("merchant_category", "in", EVERYDAY_MERCHANTS),
            _c("card_age_days", ">", 365),
        ),
    ),
)

# The heuristic scorecard an analyst would write: one point per classic fraud signal.
DEFAULT_POINTS: tuple[Points, ...] = (
    Points(_c("amount_to_avg_ratio", ">=", 2.0), 1.0),
    Points(_c("amount_to_avg_ratio", ">=", 4.0), 1.0),
    Points(_c("amount_to_avg_ratio", ">=", 8.0), 1.0),
    Points(_c("amount_to_avg_ratio", "<", 0.5), -1.0),
    Points(_c("hour_of_day", "<=", 5), 1.0),
    Points(HIGH_RISK_COUNTRY, 1.0),
    Points(_c("country_risk", "in", ["medium"]), 0.5),
    Points(ABROAD, 0.5),
    Points(RISKY_MERCHANT, 1.0),
    Points(_c("channel", "in", ["online"]), 0.5),
    Points(_c("txn_count_24h", ">=", 8), 0.5),
    Points(_c("card_age_days", "<", 90), 1.0),
    Points(_c("distance_from_home_km", ">=", 300.0), 0.5),
    Points(_c("seconds_since_last_txn", "<", 120.0), 0.5),
)
DEFAULT_VERSION = "fraud-rules-1"

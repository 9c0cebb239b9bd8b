"""Traffic for the content model: real held-out messages, and the scenarios that move them.

Clean traffic replays the 2002 test split (never a training or validation message). A
scenario mixes a share min(1, 0.5 × intensity) of its own messages into it:

| scenario | messages mixed in                                   | what a monitor should see        |
|----------|-----------------------------------------------------|----------------------------------|
| none     | nothing                                             | nothing                          |
| campaign | 2003 spam (`spam-2`): mail written after training   | spam share up, descriptors move  |
| hard_ham | hard ham of the test split: commercial newsletters  | false positives, precision down  |
| sms      | the SMS Spam Collection: another channel            | short texts, vocabulary moves    |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from driftscope.corpora.sms import SmsMessage
from driftscope.corpora.spamassassin import CorpusMessage
from driftscope.text.content import ContentData, content_data

CONTENT_SCENARIOS: dict[str, str] = {
    "none": "held-out 2002 mail only",
    "campaign": "a spam campaign: 2003 spam arrives, the spam share rises",
    "hard_ham": "commercial newsletters (hard ham): false positives",
    "sms": "the SMS channel: short texts from another medium",
}


@dataclass(frozen=True)
class Message:
    text: str
    label: int  # 1 = spam (the positive class), 0 = ham


@dataclass(frozen=True)
class ContentTraffic:
    """The message pools a content stream draws from: clean traffic and one per scenario."""

    clean: tuple[Message, ...]
    mixed_in: dict[str, tuple[Message, ...]]  # scenario → its messages (not "none")

    def pool(self, scenario: str) -> tuple[Message, ...]:
        return self.clean if scenario == "none" else self.mixed_in[scenario]


def mixed_share(scenario: str, intensity: float) -> float:
    """Share of a scenario's messages in the traffic at `intensity` (1 → half)."""
    return 0.0 if scenario == "none" else min(1.0, 0.5 * max(0.0, intensity))


def _messages(corpus: Sequence[CorpusMessage | SmsMessage]) -> tuple[Message, ...]:
    return tuple(Message(m.text, int(m.label == "spam")) for m in corpus if m.text.strip())


def traffic_of(data: ContentData) -> ContentTraffic:
    """The pools of a split: scenarios use held-out or later messages only."""
    return ContentTraffic(
        clean=_messages(data.test),
        mixed_in={
            "campaign": _messages([m for m in data.later if m.group == "spam-2"]),
            "hard_ham": _messages([m for m in data.test if m.group == "hard-ham-1"]),
            "sms": _messages(data.sms),
        },
    )


def content_traffic(cache_dir: Path, seed: int = 42) -> ContentTraffic:
    """The pools for the split `driftscope train --name content --seed SEED` trained on."""
    return traffic_of(content_data(cache_dir, seed))

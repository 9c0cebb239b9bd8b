"""The compiled text kernel (kernel.c through ctypes): a text's counts and margin in one pass.

Built into the model's artifact directory at training time (`build_kernel`, with the forest
evaluator's compile helper) and checked there against the Python path of
driftscope.text.features, which stays the reference and the fallback: a version without the
library, or on a machine without a C compiler, scores through numpy with the same result.
"""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Any

import numpy as np

from driftscope.errors import ArtifactError
from driftscope.serving.compiled import compile_library
from driftscope.text.features import Analysed, analyse, counts_of

C_SOURCE = Path(__file__).with_name("kernel.c")
KERNEL_FILE = "text_kernel.so"
# Largest margin difference accepted from the C path: the sums differ only in their order.
TOLERANCE = 1e-12


class _CText(ctypes.Structure):
    _fields_ = [
        ("points", ctypes.c_char_p),  # bytes: no copy
        ("n_points", ctypes.c_int64),
        ("width", ctypes.c_int32),
        ("hashes", ctypes.c_void_p),
        ("n_words", ctypes.c_int64),
    ]


def _points(norm: str) -> tuple[bytes, int]:
    """The code points of a normalised text as the kernel reads them: bytes when ASCII."""
    if norm.isascii():
        return norm.encode("ascii"), 1
    return norm.encode("utf-32-le"), 4


class TextKernel:
    """Scores analysed texts through the compiled library; holds the weights alive."""

    def __init__(self, library_path: Path, idf: np.ndarray, coef: np.ndarray) -> None:
        self._lib = ctypes.CDLL(str(library_path))
        text_p = ctypes.POINTER(_CText)
        self._lib.ds_text_margin.restype = ctypes.c_double
        self._lib.ds_text_margin.argtypes = [text_p, ctypes.c_void_p, ctypes.c_double]
        self._lib.ds_text_counts.restype = ctypes.c_int64
        self._lib.ds_text_counts.argtypes = [text_p, ctypes.c_void_p, ctypes.c_void_p]
        self._lib.ds_text_capacity.restype = ctypes.c_int64
        self._lib.ds_text_capacity.argtypes = [text_p]
        # each bucket's (idf, coef) side by side: one memory access per bucket
        self._weights = np.ascontiguousarray(np.stack([idf, coef], axis=1), dtype=np.float64)
        self._weights_p = self._weights.ctypes.data
        self._text = _CText()
        self._text_ref = ctypes.byref(self._text)
        self._margin = self._lib.ds_text_margin

    def _set(self, analysed: Analysed) -> tuple[bytes, np.ndarray]:
        """Point the kernel's input at the text; returns what must stay alive for the call."""
        points, width = _points(analysed.norm)
        hashes = np.ascontiguousarray(analysed.hashes, dtype=np.uint64)
        text = self._text
        text.points, text.n_points, text.width = points, len(points) // width, width
        text.hashes, text.n_words = hashes.ctypes.data, len(hashes)
        return points, hashes

    def margin_of(self, analysed: Analysed, intercept: float) -> float:
        """The linear margin of the text's row plus `intercept` (TextModel.margin_of)."""
        _alive = self._set(analysed)
        margin = float(self._margin(self._text_ref, self._weights_p, intercept))
        if margin != margin:  # NaN: the kernel could not allocate its scratch
            raise MemoryError("text kernel: out of memory")
        return margin

    def counts_of(self, analysed: Analysed) -> tuple[np.ndarray, np.ndarray]:
        """`features.counts_of` through the kernel: (sorted distinct buckets, counts)."""
        _alive = self._set(analysed)
        capacity = int(self._lib.ds_text_capacity(self._text_ref))
        buckets = np.empty(capacity, dtype=np.int32)
        counts = np.empty(capacity, dtype=np.int64)
        n = int(self._lib.ds_text_counts(self._text_ref, buckets.ctypes.data, counts.ctypes.data))
        if n < 0:
            raise MemoryError("text kernel: out of memory")
        return buckets[:n].astype(np.int64), counts[:n]


CHECK_TEXTS = (
    "",
    "a",
    "ab",
    "abc",
    "Hello, World! Hello again: http://example.com/x?y=1",
    "مرحبا بالعالم — שלום עולם",
    "emoji 😀🎉 and astral 𝔘𝔫𝔦",
    "nul\x00inside\x00text",
    "MiXeD CaSe İstanbul ſ K",
    "<html><body><p>Buy&nbsp;now!</p></body></html>",
    "word " * 3_000,
)


def kernel_check(kernel: TextKernel, idf: np.ndarray, coef: np.ndarray) -> dict[str, Any]:
    """Compare the kernel with the Python path on CHECK_TEXTS plus random Unicode texts;
    raises ArtifactError on any difference in counts or a margin beyond TOLERANCE."""
    rng = np.random.default_rng(7)
    randoms = []
    for _ in range(50):
        points = rng.integers(0, 0x1F700, int(rng.integers(0, 400)))
        points[(points >= 0xD800) & (points < 0xE000)] -= 0x800  # no lone surrogates
        randoms.append("".join(map(chr, points.tolist())))
    worst = 0.0
    for text in [*CHECK_TEXTS, *randoms]:
        analysed = analyse(text)
        expected_b, expected_c = counts_of(analysed)
        got_b, got_c = kernel.counts_of(analysed)
        if not (np.array_equal(expected_b, got_b) and np.array_equal(expected_c, got_c)):
            raise ArtifactError(f"text kernel: counts differ from the Python path on {text[:40]!r}")
        values = _python_margin(analysed, idf, coef)
        worst = max(worst, abs(kernel.margin_of(analysed, 0.0) - values))
    if worst > TOLERANCE:
        raise ArtifactError(f"text kernel: margin differs by {worst:g}")
    return {"texts": len(CHECK_TEXTS) + len(randoms), "max_abs_margin_diff": worst}


def _python_margin(analysed: Analysed, idf: np.ndarray, coef: np.ndarray) -> float:
    from driftscope.text.features import TextFeatures

    buckets, values = TextFeatures(idf).row_of(analysed)
    return float(np.dot(values, coef[buckets]))


def build_kernel(directory: Path, idf: np.ndarray, coef: np.ndarray) -> dict[str, Any]:
    """Compile and check the kernel into `directory`: the manifest's entries (the library's
    file and its check, or why the version scores through numpy)."""
    try:
        library = compile_library(C_SOURCE, directory / KERNEL_FILE, "the text kernel")
        check = kernel_check(TextKernel(library, idf, coef), idf, coef)
    except ArtifactError as exc:
        (directory / KERNEL_FILE).unlink(missing_ok=True)
        return {"text_kernel": "numpy", "text_kernel_reason": str(exc)}
    return {"text_kernel": "compiled", "kernel_file": KERNEL_FILE, "kernel_check": check}

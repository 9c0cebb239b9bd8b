"""The compiled text kernel against the Python path (the reference): counts and margins."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest

from driftscope.corpora.spamassassin import spam_assassin
from driftscope.serving.artifact import load_model, read_manifest
from driftscope.settings import get_settings
from driftscope.spec import shipped_spec
from driftscope.testing.content_model import ContentArtifact
from driftscope.text.features import WORD_BITS, analyse, counts_of
from driftscope.text.kernel import C_SOURCE, KERNEL_FILE, TextKernel, build_kernel
from driftscope.text.serving import TextMargin

M64 = (1 << 64) - 1
P, MIX, BIGRAM = 0x100000001B3, 0x9E3779B97F4A7C15, 0x2545F4914F6CDD1D

TRICKY = [
    "",
    " ",
    "ab",
    "abc",
    "مرحبا بالعالم، هذا نص من اليمين إلى اليسار",
    "שלום עולם 123",
    "Emoji 😀😀 🎉 family 👨‍👩‍👧 and astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "nul\x00in\x00the\x00middle\x00",
    "x" * 30_000,
    "spam " * 5_000,
    "MiXeD CaSe İSTANBUL straße ſ K ǅ",
    "<html><head><style>p{color:red}</style></head><body><p>Buy&nbsp;NOW &amp; save!!!"
    "</p><a href='http://x.example/?a=1'>click</a></body></html>",
    "tabs\tand\u00a0no-break\u2003spaces\r\nand lines\u2028",
    "日本語のテキストと中文文本",
]


@pytest.fixture(scope="module")
def served(trained_content: ContentArtifact) -> TextMargin:
    spec = shipped_spec("content")
    assert spec is not None
    model = load_model(trained_content.directory, contract=spec.contract())
    assert isinstance(model.evaluator, TextMargin)
    return model.evaluator


def _kernel(served: TextMargin) -> TextKernel:
    assert served.kernel is not None, "the text kernel was not built"
    return served.kernel


def _bucket(h: int, bits: int) -> int:
    return ((h * MIX) & M64) >> (64 - bits)


def test_counts_by_hand_on_a_tiny_text(served: TextMargin) -> None:
    # "ab cd": words ab, cd and their bigram; the 3-, 4- and 5-grams of the 5 code points,
    # each hash n·P^n + Σ point·P^(n-1-k) mod 2^64, computed here with Python integers.
    ha, hc = zlib.crc32(b"ab"), zlib.crc32(b"cd")
    words = [_bucket(ha, WORD_BITS), _bucket(hc, WORD_BITS)]
    words.append(_bucket((ha * BIGRAM + hc + (1 << 32)) & M64, WORD_BITS))
    chars = []
    for n in (3, 4, 5):
        for i in range(6 - n):
            h = n * pow(P, n, 1 << 64)
            for k, c in enumerate("ab cd"[i : i + n]):
                h += ord(c) * pow(P, n - 1 - k, 1 << 64)
            chars.append(_bucket(h & M64, 18) + (1 << WORD_BITS))
    expected = sorted(words + chars)
    buckets, counts = _kernel(served).counts_of(analyse("AB  cd"))
    distinct = sorted(set(expected))
    assert buckets.tolist() == distinct
    assert counts.tolist() == [expected.count(b) for b in distinct]


def _assert_same(served: TextMargin, texts: list[str]) -> None:
    kernel, model = _kernel(served), served.model
    for text in texts:
        analysed = analyse(text)
        got_b, got_c = kernel.counts_of(analysed)
        want_b, want_c = counts_of(analysed)
        assert np.array_equal(got_b, want_b) and np.array_equal(got_c, want_c), text[:60]
        margin, reference = served.margin_row(analysed), model.margin_of(analysed)
        assert abs(margin - reference) <= 1e-12 * max(1.0, abs(reference)), text[:60]
        p, p_ref = model.calibrator(np.array([margin])), model.calibrator(np.array([reference]))
        assert abs(float(p[0]) - float(p_ref[0])) <= 1e-12


def test_same_as_python_on_tricky_texts(served: TextMargin) -> None:
    _assert_same(served, TRICKY)


def test_same_as_python_on_the_corpus(served: TextMargin) -> None:
    messages = spam_assassin(get_settings().cache_dir)
    texts = [m.text for m in messages[:: max(1, len(messages) // 1500)]]
    _assert_same(served, texts)
    batch = served.margin(texts)
    assert np.max(np.abs(batch - served.model.margins(texts))) <= 1e-12 * np.max(np.abs(batch))


def test_manifest_records_the_kernel_and_its_check(trained_content: ContentArtifact) -> None:
    manifest = read_manifest(trained_content.directory)
    assert manifest["text_kernel"] == "compiled"
    assert manifest["kernel_file"] == KERNEL_FILE
    assert manifest["kernel_check"]["max_abs_margin_diff"] <= 1e-12
    assert KERNEL_FILE in manifest["files"]  # its sha256 is verified on load like the rest


def test_without_a_compiler_the_version_scores_through_numpy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, served: TextMargin
) -> None:
    monkeypatch.setattr("driftscope.serving.compiled.shutil.which", lambda _name: None)
    entries = build_kernel(tmp_path, served.model.features.idf, served.model.coef)
    assert entries["text_kernel"] == "numpy"
    assert entries["text_kernel_reason"].startswith("no C compiler")
    assert not (tmp_path / KERNEL_FILE).exists()
    fallback = TextMargin(served.model)
    text = analyse(TRICKY[11])
    assert fallback.margin_row(text) == served.model.margin_of(text)
    assert C_SOURCE.exists()

"""In-process cost breakdown of scoring one text with the content model (no HTTP).

On the held-out 2002 test messages closest to the median length (`content_latency`'s
`median_messages`), each step of `LoadedModel.decide` + `describe` alone, in µs per message:
every step runs over all the messages, best of `--repeat` rounds, divided by their number.

    uv run --frozen python bench/content_breakdown.py --data-dir DIR   # DIR from `driftscope train --name content`
    uv run --frozen python bench/content_breakdown.py                  # trains into a temp dir

Prints a table; `--json PATH` also writes the numbers.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from content_latency import median_messages  # noqa: E402
from harness.server import train  # noqa: E402


def per_message_us(step: Callable[[Any], Any], inputs: list[Any], repeat: int) -> float:
    """Best of `repeat` rounds over all `inputs`, µs per input."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        for item in inputs:
            step(item)
        best = min(best, time.perf_counter_ns() - t0)
    return round(best / len(inputs) / 1e3, 2)


def _uncached(rules: Any) -> Callable[[str], int]:
    """`first_index` without its last-answer cache (the fast path's own cost)."""

    def first(text: str) -> int:
        rules._last = (None, -1)
        return int(rules.first_index(text))

    return first


def step_costs(model_dir: Path, texts: list[str], repeat: int) -> dict[str, float]:
    import numpy as np

    from driftscope.serving.artifact import load_model
    from driftscope.spec import shipped_spec
    from driftscope.text import descriptors as d
    from driftscope.text import features as f
    from driftscope.text.prefilter import fold
    from driftscope.text.rules import shipped_rules

    spec = shipped_spec("content")
    assert spec is not None
    model = load_model(model_dir, contract=spec.contract())
    text_model = model.evaluator.model  # type: ignore[attr-defined]
    feats, rules = text_model.features, model.rules
    analysed = [f.analyse(t) for t in texts]
    norms = [a.norm for a in analysed]
    counted = [f.counts_of(a) for a in analysed]
    rows = [feats.row_of(a) for a in analysed]
    margins = [text_model.margin_of(a) for a in analysed]
    records = [{"text": t} for t in texts]
    shipped = shipped_rules()

    def time_it(step: Callable[[Any], Any], inputs: list[Any]) -> float:
        return per_message_us(step, inputs, repeat)

    def whole(record: dict[str, Any]) -> Any:
        _, encoded, _, _ = model.decide(record)
        assert model.describe is not None
        return model.describe(record, encoded)

    out = {
        "normalise (cut, lower, white space)": time_it(f.normalise, texts),
        "analyse (normalise, tokenise, word CRC-32)": time_it(f.analyse, texts),
        "  tokenise + CRC-32, regex path (non-ASCII texts)": time_it(
            lambda n: f._word_hashes(f.words_of(n)), norms
        ),
        "word uni/bigram buckets": time_it(f._word_buckets, [a.hashes for a in analysed]),
        "char 3-5-gram buckets": time_it(f._char_buckets, norms),
        "counts_of (buckets + unique counts)": time_it(f.counts_of, analysed),
        "idf weighting + L2 norms": time_it(
            lambda bc: f._weights(bc[0], bc[1], feats.idf), counted
        ),
        "margin dot product": time_it(
            lambda row: float(np.dot(row[1], text_model.coef[row[0]])), rows
        ),
        "margin_of (features + dot)": time_it(text_model.margin_of, analysed),
        "margin_row as served (compiled kernel if built)": time_it(
            model.evaluator.margin_row, analysed
        ),
        "calibration (Platt, one)": time_it(model.calibrator.one, margins),
        "rules: fold": time_it(fold, texts),
        f"rules: accepted ({len(rules.rules) if rules else 0}), uncached": (
            time_it(_uncached(rules), texts) if rules else 0.0
        ),
        f"rules: all {len(shipped.rules)} shipped, uncached": time_it(_uncached(shipped), texts),
        "descriptor: chars": time_it(len, texts),
        "descriptor: url_count": time_it(d._url_count, texts),
        "descriptors: digit/upper/non-ASCII shares": time_it(d._char_counts, texts),
        "descriptor: oov_share": time_it(lambda a: d._oov_share(a, feats), analysed),
        "describe_analysed (all descriptors)": time_it(
            lambda a: d.describe_analysed(a, feats, None), analysed
        ),
        "describe (logged dict, rules cached)": time_it(
            lambda a: model.describe(  # type: ignore[misc]
                {"text": a.text}, a
            ),
            analysed,
        ),
        "decide + describe (the whole per-item path)": time_it(whole, records),
    }
    return out


def model_dir_of(data_dir: Path) -> Path:
    versions = sorted(
        (data_dir / "models" / "content").glob("v*"), key=lambda p: int(p.name[1:] or 0)
    )
    if not versions:
        raise SystemExit(
            f"no content model under {data_dir} (run: driftscope train --name content)"
        )
    return versions[-1]


def format_table(results: dict[str, Any]) -> str:
    lines = [
        f"{results['messages']} messages of {results['chars_min']}-{results['chars_max']} "
        f"characters, best of {results['repeat']}",
        "step                                                  µs/message",
    ]
    for name, us in results["steps_us"].items():
        lines.append(f"  {name:<52}{us:>10.2f}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="a data dir with a trained content model")
    parser.add_argument("--messages", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=20, help="rounds; the best one counts")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    texts = median_messages(args.messages)
    with tempfile.TemporaryDirectory(prefix="ds-content-breakdown-") as tmp:
        data_dir = args.data_dir
        if data_dir is None:
            data_dir = Path(tmp)
            print(f"training the content model in {data_dir} ...", file=sys.stderr)
            train(data_dir, None, data_dir / "train.log", "--name", "content")
        steps = step_costs(model_dir_of(data_dir.resolve()), texts, args.repeat)
    results = {
        "messages": len(texts),
        "chars_min": min(map(len, texts)),
        "chars_max": max(map(len, texts)),
        "repeat": args.repeat,
        "steps_us": steps,
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(format_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The dashboard's API types (frontend/src/lib/api-types.ts) match the backend's OpenAPI document."""

from __future__ import annotations

import difflib
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "frontend" / "src" / "lib" / "api-types.ts"
REGENERATE = "scripts/gen-api-types.sh (or `npm run gen:api-types` in frontend/)"


def test_committed_api_types_are_current(tmp_path: Path) -> None:
    fresh = tmp_path / "api-types.ts"

    run = subprocess.run(
        [str(REPO / "scripts" / "gen-api-types.sh"), str(fresh)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )

    assert run.returncode == 0, f"{REGENERATE} failed (is the frontend installed?):\n{run.stderr}"
    committed = COMMITTED.read_text(encoding="utf-8").splitlines(keepends=True)
    expected = fresh.read_text(encoding="utf-8").splitlines(keepends=True)
    diff = "".join(difflib.unified_diff(committed, expected, "committed", "generated", n=1))
    assert not diff, (
        f"frontend/src/lib/api-types.ts is stale (the API changed): run {REGENERATE} "
        f"and commit it.\n{diff[:3000]}"
    )

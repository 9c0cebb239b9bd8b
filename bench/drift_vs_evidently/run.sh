#!/usr/bin/env bash
# Drift engine vs Evidently: create the throwaway bench venv (var/bench-evidently, git-ignored)
# if it is missing or its requirements changed, then run bench.py with it.
# Evidently needs pandas < 3, so it never goes into the project venv (.venv).
#
#   bench/drift_vs_evidently/run.sh [bench.py options]   # e.g. --quick, --profile, --strict
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${DRIFT_BENCH_VENV:-$ROOT/var/bench-evidently}"
PY="$VENV/bin/python"
export UV_PYTHON_DOWNLOADS=never

stamp="$(cat "$HERE/requirements.txt" "$ROOT/core/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [[ ! -x $PY || "$(cat "$VENV/.bench-stamp" 2>/dev/null)" != "$stamp" ]]; then
    echo "run.sh: preparing $VENV (evidently, pandas<3, driftscope-core editable)" >&2
    [[ -x $PY ]] || uv venv --quiet "$VENV" --python 3.11
    uv pip install --quiet --python "$PY" -r "$HERE/requirements.txt" -e "$ROOT/core"
    echo "$stamp" >"$VENV/.bench-stamp"
fi

cd "$ROOT"
exec "$PY" "$HERE/bench.py" "$@"

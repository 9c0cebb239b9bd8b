#!/usr/bin/env bash
# Run every test suite (frontend when present, then Python); arguments go to pytest.
#
# Usage: scripts/test.sh [pytest args...]      e.g. scripts/test.sh -k drift -x
#   TEST_SKIP_FRONTEND=1   run only the Python tests
#   TEST_SKIP_FRONTEND_LINT=1  skip ESLint, Prettier and tsc (scripts/check.sh runs them itself)
#   TEST_SKIP_GATE=1       skip the promotion-gate check on a freshly trained model
#   TEST_WORKERS=N         pytest processes (pytest-xdist); default: the cores, at most 4; 0 = one
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FRONTEND_DIR="$REPO_ROOT/frontend"
declare -a RESULTS=()
EXIT_STATUS=0 # the first failing suite's exit status

record() {
    local suite="$1" status="$2" note="${3:-}"
    if ((status == 0)); then
        RESULTS+=("$suite: passed")
    else
        RESULTS+=("$suite: FAILED (exit $status${note:+, $note})")
        ((EXIT_STATUS)) || EXIT_STATUS=$status
    fi
}

run_frontend_tests() {
    local status=0
    info "frontend tests (vitest)"
    # Prefer the project's own "test" script; --run keeps vitest out of watch mode.
    if (cd "$FRONTEND_DIR" && node -e 'process.exit(require("./package.json").scripts?.test ? 0 : 1)'); then
        (cd "$FRONTEND_DIR" && npm test -- --run) || status=$?
    else
        (cd "$FRONTEND_DIR" && npx vitest run) || status=$?
    fi
    record frontend "$status"
}

# frontend_check SUITE CMD... : run CMD in frontend/ and record it as SUITE.
frontend_check() {
    local suite="$1" status=0
    shift
    (cd "$FRONTEND_DIR" && "$@") || status=$?
    record "$suite" "$status"
}

# ESLint, Prettier and tsc, each recorded as its own suite so CI fails on any of them.
run_frontend_checks() {
    info "frontend lint (eslint, prettier --check, tsc --noEmit)"
    frontend_check "frontend lint" npm run --silent lint
    frontend_check "frontend format" npm run --silent format:check
    frontend_check "frontend types" npx tsc --noEmit
}

# pytest-xdist workers: every test makes its own database, data dir and ports, so the suites
# run on all cores (a 2-core CI machine: ~16 min serial, ~9 min on two workers).
pytest_workers() {
    local cores
    cores="$(nproc 2>/dev/null || echo 1)"
    echo "${TEST_WORKERS:-$((cores < 4 ? cores : 4))}"
}

run_python_tests() {
    local status=0 note="" workers
    workers="$(pytest_workers)"
    info "Python tests (pytest, $workers worker(s))"
    local -a parallel=()
    ((workers > 1)) && parallel=(-n "$workers")
    (cd "$REPO_ROOT" && uv run --frozen pytest "${parallel[@]}" "$@") || status=$?
    # pytest exit 5 = no tests collected: a wrong path or filter, never a pass.
    ((status == 5)) && note="no tests collected"
    record python "$status" "$note"
}

# Train a small model into a throwaway data dir and SQLite file, then run `driftscope gate`
# on it: the shipped trainer must still produce a promotable model (~20 s of CPU).
run_gate_check() {
    local status=0 workdir
    info "promotion gate on a freshly trained model"
    workdir="$(mktemp -d)"
    (
        cd "$REPO_ROOT"
        export DRIFTSCOPE_DATA_DIR="$workdir" DATABASE_URL="sqlite+aiosqlite:///$workdir/gate.db"
        uv run --frozen driftscope train --rows 20000 --seed 7 >"$workdir/train.log" 2>&1 ||
            { tail -n 20 "$workdir/train.log" >&2; exit 3; }
        uv run --frozen driftscope gate
    ) || status=$?
    rm -rf "$workdir"
    record gate "$status"
}

main() {
    # The browser test drives the built dashboard in Debian's Chromium.
    "$REPO_ROOT/scripts/setup.sh" --build-frontend --browser --compose

    if [[ -f $FRONTEND_DIR/package.json && ${TEST_SKIP_FRONTEND:-0} != 1 ]]; then
        [[ ${TEST_SKIP_FRONTEND_LINT:-0} == 1 ]] || run_frontend_checks
        run_frontend_tests
    fi
    run_python_tests "$@"
    if [[ ${TEST_SKIP_GATE:-0} != 1 ]]; then
        run_gate_check
    fi

    local summary
    summary="$(printf '%s, ' "${RESULTS[@]}")"
    summary="${summary%, }"
    if ((EXIT_STATUS)); then
        info "FAILED: $summary"
        exit "$EXIT_STATUS"
    fi
    info "all tests passed: $summary"
}

main "$@"

#!/usr/bin/env bash
# Lint, type-check and test the repository (Python and dashboard): the gate to keep green.
#
# Usage: scripts/check.sh [--no-tests] [pytest args...]
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MYPY_PATHS=(core/src backend/src monitoring-worker/src traffic-simulator/src bench)
FRONTEND_DIR="$REPO_ROOT/frontend"
declare -a FAILED_STEPS=()

# run_step NAME CMD... : run every step even after a failure, so one run shows all problems.
run_step() {
    local name="$1"
    shift
    info "$name"
    if ! "$@"; then
        FAILED_STEPS+=("$name")
    fi
}

# in_frontend CMD... : run a command in frontend/ (a subshell, so the cwd stays put).
in_frontend() {
    (cd "$FRONTEND_DIR" && "$@")
}

main() {
    local run_tests=1
    if [[ ${1:-} == --no-tests ]]; then
        run_tests=0
        shift
    fi

    "$REPO_ROOT/scripts/setup.sh"
    cd "$REPO_ROOT"
    run_step "ruff format" uv run --frozen ruff format --check .
    run_step "ruff lint" uv run --frozen ruff check .
    run_step "mypy" uv run --frozen mypy "${MYPY_PATHS[@]}"
    if [[ -f $FRONTEND_DIR/package.json ]]; then
        run_step "frontend tsc" in_frontend npx tsc --noEmit
        run_step "frontend eslint" in_frontend npm run --silent lint
        run_step "frontend prettier" in_frontend npm run --silent format:check
    fi
    if ((run_tests)); then
        # The frontend lint steps ran above; test.sh need not repeat them.
        run_step "tests" env TEST_SKIP_FRONTEND_LINT=1 "$REPO_ROOT/scripts/test.sh" "$@"
    fi

    if ((${#FAILED_STEPS[@]})); then
        info "FAILED: $(printf '%s, ' "${FAILED_STEPS[@]}" | sed 's/, $//')"
        exit 1
    fi
    info "all checks passed"
}

main "$@"

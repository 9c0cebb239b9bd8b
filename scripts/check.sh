#!/usr/bin/env bash
# Lint, type-check and test the repository: the gate to keep green before committing.
#
# Usage: scripts/check.sh [--no-tests] [pytest args...]
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MYPY_PATHS=(core/src backend/src monitoring-worker/src traffic-simulator/src bench)
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
    if ((run_tests)); then
        run_step "tests" "$REPO_ROOT/scripts/test.sh" "$@"
    fi

    if ((${#FAILED_STEPS[@]})); then
        info "FAILED: $(printf '%s, ' "${FAILED_STEPS[@]}" | sed 's/, $//')"
        exit 1
    fi
    info "all checks passed"
}

main "$@"

#!/usr/bin/env bash
# Run the benchmarks in bench/ (load tests against 127.0.0.1 only, each bounded in time).
# Results go to bench/results/ (git-ignored); docs/BENCHMARKS.md records reference runs.
#
# Usage: scripts/bench.sh [name...] [-- args for each benchmark]
#   scripts/bench.sh                          every benchmark
#   scripts/bench.sh predict_vs_hello         one of them
#   scripts/bench.sh -- --quick               every benchmark, short phases (smoke test)
#   scripts/bench.sh predict_vs_hello -- --profile --strict
# Arguments after -- go to every benchmark selected; name one for options only it knows.
# `wrk` (apt-get install wrk) gives the headline throughput; without it the Python load
# generator (bench/loadgen.py) is used. `--profile` needs py-spy on PATH.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# name -> script under bench/; later benchmarks are added here.
declare -A BENCHMARKS=(
    [predict_vs_hello]="bench/predict_vs_hello.py"
    [drift_vs_evidently]="bench/drift_vs_evidently/bench.py" # re-runs itself via its run.sh (own venv)
    [ws_fanout]="bench/ws_fanout.py"
)
ORDER=(predict_vs_hello drift_vs_evidently ws_fanout)

main() {
    local -a names=() args=()
    while (($#)); do
        if [[ $1 == -- ]]; then
            shift
            args=("$@")
            break
        fi
        names+=("$1")
        shift
    done
    ((${#names[@]})) || names=("${ORDER[@]}")

    local name status=0
    for name in "${names[@]}"; do
        if [[ -z ${BENCHMARKS[$name]:-} ]]; then
            info "unknown benchmark '$name' (known: ${ORDER[*]})"
            exit 2
        fi
    done
    command -v wrk >/dev/null || info "wrk not found: throughput from the Python load generator only"

    for name in "${names[@]}"; do
        info "benchmark: $name"
        (cd "$REPO_ROOT" && uv run --frozen python "${BENCHMARKS[$name]}" "${args[@]}") || status=$?
        if ((status)); then
            info "$name: exit $status"
            exit "$status"
        fi
    done
    info "done: results in bench/results/"
}

main "$@"

#!/usr/bin/env bash
# Run the benchmarks in bench/ (load tests against 127.0.0.1 only, each bounded in time).
# Results go to bench/results/ (git-ignored); at the end bench/report.py rewrites the summary
# table at the top of docs/BENCHMARKS.md from the latest result of every benchmark.
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
    [naive_vs_ours]="bench/naive_vs_ours.py"
    [lost_rows]="bench/lost_rows.py"
    [rate_limit_spike]="bench/rate_limit_spike.py"
    [demo_footprint]="bench/demo_footprint.py"
    [batch_csv]="bench/batch_csv.py"
    [batch_csv_postgres]="bench/batch_csv_postgres.py" # PostgreSQL at DRIFTSCOPE_BENCH_POSTGRES
    [retention]="bench/retention.py"                   # PostgreSQL: a day of 5M rows dropped
    [shadow_latency]="bench/shadow_latency.py"
    [content_latency]="bench/content_latency.py"
    [alert_quality]="bench/alert_quality.py"
    [worker_scale]="bench/worker_scale.py" # + PostgreSQL when DRIFTSCOPE_BENCH_POSTGRES is set
)
ORDER=(predict_vs_hello naive_vs_ours lost_rows drift_vs_evidently batch_csv batch_csv_postgres retention worker_scale ws_fanout shadow_latency content_latency alert_quality rate_limit_spike demo_footprint)

# Project venv (scripts/setup.sh), wrk from Debian when we may install it; Evidently gets its own
# venv in bench/drift_vs_evidently/run.sh.
install_bench_deps() {
    "$REPO_ROOT/scripts/setup.sh" --build-frontend >/dev/null
    if ! command -v wrk >/dev/null; then
        if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
            info "installing wrk (Debian package)"
            apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null) || true
        fi
        command -v wrk >/dev/null || info "wrk not available: throughput from the Python load generator only"
    fi
}

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
    install_bench_deps

    local -a failed=()
    for name in "${names[@]}"; do
        info "benchmark: $name"
        status=0
        (cd "$REPO_ROOT" && uv run --frozen python "${BENCHMARKS[$name]}" "${args[@]}") || status=$?
        if ((status)); then
            info "$name: exit $status (the others still run)"
            failed+=("$name")
        fi
    done
    (cd "$REPO_ROOT" && uv run --frozen python bench/report.py >/dev/null)
    info "done: results in bench/results/, summary table rewritten in docs/BENCHMARKS.md"
    if ((${#failed[@]})); then
        info "FAILED: ${failed[*]}"
        exit 1
    fi
}

main "$@"

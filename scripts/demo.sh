#!/usr/bin/env bash
# Start the whole Driftscope demo locally: set up, train both built-in models if needed (fraud,
# and content on the corpora setup fetched), serve + worker + simulator (both streams).
#
# Usage: scripts/demo.sh [--detach]
#   --detach                    return once everything is ready, leaving the processes
#                               running (same as DEMO_DETACH=1); stop with scripts/stop.sh
# Environment:
#   DRIFTSCOPE_PORT             backend port (8000)
#   DRIFTSCOPE_ADMIN_API_KEYS   admin key(s); one is generated and printed when unset
#   DEMO_READY_TIMEOUT_S        how long to wait for the backend to become ready (60)
#   DRIFTSCOPE_MONITOR_INTERVAL_S, DRIFTSCOPE_WINDOW_S  worker schedule (demo: 10 s / 60 s)
# Logs go to var/logs/<process>.log, pid files to var/run/<process>.pid.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HOST=127.0.0.1
PORT="${DRIFTSCOPE_PORT:-8000}"
BASE_URL="http://$HOST:$PORT"
READY_TIMEOUT_S="${DEMO_READY_TIMEOUT_S:-60}"
DRIFTSCOPE="$VENV_DIR/bin/driftscope"

declare -a STARTED_NAMES=() STARTED_PIDS=()
KEEP_RUNNING=0
ADMIN_KEY_NOTE="from DRIFTSCOPE_ADMIN_API_KEYS"

usage() { sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

port_in_use() {
    # Bind the way uvicorn does (SO_REUSEADDR), so a socket in TIME_WAIT does not count.
    ! python3 - "$HOST" "$1" <<'EOF'
import socket, sys
with socket.socket() as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((sys.argv[1], int(sys.argv[2])))
    except OSError:
        sys.exit(1)
EOF
}

ensure_admin_key() {
    if [[ -z ${DRIFTSCOPE_ADMIN_API_KEYS:-} ]]; then
        DRIFTSCOPE_ADMIN_API_KEYS="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
        ADMIN_KEY_NOTE="$DRIFTSCOPE_ADMIN_API_KEYS (generated for this run)"
        info "generated an admin API key for this run: $DRIFTSCOPE_ADMIN_API_KEYS"
    fi
    export DRIFTSCOPE_ADMIN_API_KEYS
}

# start_process NAME CMD... : run CMD in the background, in its own session (so Ctrl-C
# reaches only this script and --detach survives the terminal), logging to
# var/logs/NAME.log and recording the pid in var/run/NAME.pid.
start_process() {
    local name="$1" pid
    shift
    mkdir -p "$RUN_DIR" "$LOG_DIR"
    if [[ -f $RUN_DIR/$name.pid ]]; then
        pid="$(<"$RUN_DIR/$name.pid")"
        if pid_alive "$pid" && pid_is_ours "$pid"; then
            die "$name is already running (pid $pid); stop it first with scripts/stop.sh"
        fi
    fi
    setsid "$@" >"$LOG_DIR/$name.log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$RUN_DIR/$name.pid"
    STARTED_NAMES+=("$name")
    STARTED_PIDS+=("$pid")
    info "started $name (pid $pid, log var/logs/$name.log)"
}

stop_started() {
    local i
    for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
        stop_pid "${STARTED_PIDS[i]}"
        wait "${STARTED_PIDS[i]}" 2>/dev/null || true
        rm -f "$RUN_DIR/${STARTED_NAMES[i]}.pid"
    done
    STARTED_NAMES=()
    STARTED_PIDS=()
}

on_exit() {
    ((KEEP_RUNNING)) && return
    if ((${#STARTED_PIDS[@]})); then
        info "stopping ${STARTED_NAMES[*]}"
        stop_started
    fi
}

http_ok() {
    if command -v curl >/dev/null 2>&1; then
        curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
    else
        python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
            "$1" 2>/dev/null
    fi
}

# wait_until_ready NAME PID URL : poll URL until 200; fail early if the process dies.
wait_until_ready() {
    local name="$1" pid="$2" url="$3" deadline=$((SECONDS + READY_TIMEOUT_S))
    info "waiting for $name to become ready ($url)"
    until http_ok "$url"; do
        if ! pid_alive "$pid"; then
            tail -n 30 "$LOG_DIR/$name.log" >&2 || true
            die "$name exited during start-up; full log: var/logs/$name.log"
        fi
        if ((SECONDS >= deadline)); then
            tail -n 30 "$LOG_DIR/$name.log" >&2 || true
            die "$name not ready after ${READY_TIMEOUT_S}s; full log: var/logs/$name.log"
        fi
        sleep 0.5
    done
}

print_urls() {
    cat <<EOF

Driftscope is running: backend, monitoring worker and traffic simulator (transactions to
the fraud model, real mail to the content model; switch models at the top of the dashboard).
  Dashboard   $BASE_URL/#key=${DRIFTSCOPE_ADMIN_API_KEYS%%,*}
              (the #key part signs the dashboard in for "Inject drift" and "Acknowledge")
  Swagger     $BASE_URL/docs
  Admin key   $ADMIN_KEY_NOTE

Score a transaction:
  curl -s -X POST $BASE_URL/api/v1/predict \\
       -H 'Content-Type: application/json' \\
       --data @$REPO_ROOT/scripts/example-transaction.json

Score a message:
  curl -s -X POST $BASE_URL/api/v1/models/content/predict \\
       -H 'Content-Type: application/json' \\
       --data '{"text": "You have WON a free cruise! Click http://example.com now"}'

EOF
}

# Foreground mode: stay until Ctrl-C/TERM, or until one of the processes exits on its own.
supervise() {
    info "press Ctrl-C to stop"
    local status=0
    wait -n "${STARTED_PIDS[@]}" || status=$?
    warn "a demo process exited (status $status); see var/logs/"
    exit 1
}

main() {
    local detach="${DEMO_DETACH:-0}"
    while (($#)); do
        case "$1" in
            --detach) detach=1 ;;
            -h | --help) usage && exit 0 ;;
            *) usage >&2 && die "unknown option: $1" ;;
        esac
        shift
    done

    if port_in_use "$PORT"; then
        die "port $PORT is already in use. If an earlier demo is still running, stop it with" \
            "scripts/stop.sh; or pick another port: DRIFTSCOPE_PORT=8001 scripts/demo.sh"
    fi

    "$REPO_ROOT/scripts/setup.sh" --build-frontend
    cd "$REPO_ROOT"
    ensure_admin_key
    export DRIFTSCOPE_API_URL="${DRIFTSCOPE_API_URL:-$BASE_URL}"
    # A demo wants feedback in seconds: shorter windows than the production defaults (30 s / 300 s).
    export DRIFTSCOPE_MONITOR_INTERVAL_S="${DRIFTSCOPE_MONITOR_INTERVAL_S:-10}"
    export DRIFTSCOPE_WINDOW_S="${DRIFTSCOPE_WINDOW_S:-60}"

    uv run --frozen driftscope train --if-missing
    uv run --frozen driftscope train --name content --if-missing

    trap on_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    start_process backend "$DRIFTSCOPE" serve --host "$HOST" --port "$PORT"
    wait_until_ready backend "${STARTED_PIDS[0]}" "$BASE_URL/ready"
    start_process worker "$DRIFTSCOPE" worker
    start_process simulator "$DRIFTSCOPE" simulate --url "$BASE_URL"

    print_urls
    if ((detach)); then
        KEEP_RUNNING=1
        info "running in the background; stop with scripts/stop.sh"
        return
    fi
    supervise
}

main "$@"

# shellcheck shell=bash
# Shared helpers for the scripts in scripts/ (sourced, never executed).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck disable=SC2034 # used by the scripts that source this file
RUN_DIR="$REPO_ROOT/var/run"
# shellcheck disable=SC2034
LOG_DIR="$REPO_ROOT/var/logs"
# shellcheck disable=SC2034
VENV_DIR="${UV_PROJECT_ENVIRONMENT:-$REPO_ROOT/.venv}"
SCRIPT_NAME="$(basename "$0")"

# Never let uv fetch its own Python builds: the machine's Python 3.11 is the one to use.
export UV_PYTHON_DOWNLOADS=never

info() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
warn() { printf '%s: warning: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() {
    printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2
    exit 1
}

# `pip install --user` puts uv in the user base's bin dir, which is often not on PATH yet.
add_user_bin_to_path() {
    local dir
    for dir in "$(python3 -m site --user-base 2>/dev/null)/bin" "$HOME/.local/bin"; do
        if [[ -d $dir && ":$PATH:" != *":$dir:"* ]]; then
            PATH="$PATH:$dir"
        fi
    done
    export PATH
}

if ! command -v uv >/dev/null 2>&1; then
    add_user_bin_to_path
fi

# Alive and not a zombie (a child we have not reaped yet still answers kill -0).
pid_alive() {
    local state
    state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
    [[ -n $state && $state != Z* ]]
}

# A pid file can outlive its process and the number be reused: only touch processes
# whose working directory is inside this checkout (the scripts start them from here).
pid_is_ours() {
    local cwd
    cwd="$(readlink "/proc/$1/cwd" 2>/dev/null)" || return 1
    [[ $cwd == "$REPO_ROOT" || $cwd == "$REPO_ROOT"/* ]]
}

# Send a signal to a process, or to its whole process group when it leads one
# (processes started with setsid), so helpers it spawned go too.
signal_process() {
    local signal="$1" pid="$2" pgid
    pgid="$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')"
    if [[ $pgid == "$pid" ]]; then
        kill "-$signal" -- "-$pid" 2>/dev/null || true
    else
        kill "-$signal" "$pid" 2>/dev/null || true
    fi
}

# TERM, wait up to $2 seconds (default 10), then KILL.
stop_pid() {
    local pid="$1" timeout_s="${2:-10}" waited=0
    pid_alive "$pid" || return 0
    signal_process TERM "$pid"
    while pid_alive "$pid" && ((waited < timeout_s * 10)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    if pid_alive "$pid"; then
        warn "process $pid did not stop within ${timeout_s}s; sending KILL"
        signal_process KILL "$pid"
    fi
}

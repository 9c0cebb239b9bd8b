#!/usr/bin/env bash
# Stop the processes started by scripts/demo.sh (var/run/*.pid): TERM, up to 10 s, then KILL.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
    local pid_file name pid stopped=0
    shopt -s nullglob
    for pid_file in "$RUN_DIR"/*.pid; do
        name="$(basename "$pid_file" .pid)"
        pid="$(<"$pid_file")"
        if [[ $pid =~ ^[0-9]+$ ]] && pid_alive "$pid"; then
            if pid_is_ours "$pid"; then
                info "stopping $name (pid $pid)"
                stop_pid "$pid" 10
                stopped=$((stopped + 1))
            else
                warn "$name: pid $pid now belongs to another process; leaving it alone"
            fi
        fi
        rm -f "$pid_file"
    done
    if ((stopped == 0)); then
        info "nothing to stop"
    fi
}

main "$@"

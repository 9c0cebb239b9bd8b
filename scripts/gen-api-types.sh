#!/usr/bin/env bash
# Regenerate the dashboard's API types (frontend/src/lib/api-types.ts) from the backend's
# OpenAPI document, built in-process: no server, no database.
#
# Usage: scripts/gen-api-types.sh [OUTPUT]   (default: frontend/src/lib/api-types.ts)
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
add_user_bin_to_path

output="$(realpath -m "${1:-$REPO_ROOT/frontend/src/lib/api-types.ts}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$REPO_ROOT"
uv run --frozen --quiet python -m driftscope_backend.openapi_doc "$work/openapi.json"
cd "$REPO_ROOT/frontend"
npx --no-install openapi-typescript "$work/openapi.json" --output "$work/api-types.ts" >/dev/null
mv "$work/api-types.ts" "$output"
info "wrote $output"

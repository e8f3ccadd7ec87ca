#!/usr/bin/env bash
# Runs OpsDash: starts an embedded PostgreSQL under .data/ unless OPSDASH_DATABASE_URL is set,
# migrates, and serves on http://127.0.0.1:5080. Extra arguments go to the Host (e.g. `migrate --dry-run`).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/ensure-prerequisites.sh
exec dotnet run --project src/Host -c Release -- "$@"

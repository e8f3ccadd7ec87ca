#!/usr/bin/env bash
# Runs OpsDash: starts an embedded PostgreSQL under .data/ unless OPSDASH_DATABASE_URL is set,
# migrates, and serves on http://127.0.0.1:5080. Extra arguments go to the Host (e.g. `migrate --dry-run`).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/ensure-prerequisites.sh
# The Host runs as Production; without an SMTP host it refuses the .eml pickup directory unless told.
# A local run on the embedded database (no OPSDASH_DATABASE_URL) tells it; a real database does not.
if [ -z "${OPSDASH_DATABASE_URL:-}" ]; then
    export OPSDASH_Email__AllowPickupInProduction="${OPSDASH_Email__AllowPickupInProduction:-true}"
fi
exec dotnet run --project src/Host -c Release -- "$@"

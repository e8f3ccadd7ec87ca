#!/usr/bin/env bash
# Runs OpsDash: starts an embedded PostgreSQL under .data/ unless OPSDASH_DATABASE_URL is set,
# migrates, and serves on http://127.0.0.1:5080. Extra arguments go to the Host (e.g. `migrate --dry-run`).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/ensure-prerequisites.sh
# Quote PDFs need a PDFsharp license (ADR 0014): a local run uses the AGPL unless one is given.
export OPSDASH_Pdf__License="${OPSDASH_Pdf__License:-agpl}"
exec dotnet run --project src/Host -c Release -- "$@"

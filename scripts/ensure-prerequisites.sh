#!/usr/bin/env bash
# Installs what OpsDash needs on a fresh Debian machine (apt): PostgreSQL 15 server binaries, the DejaVu
# fonts the quote PDFs are set in, and pdftotext, with which the tests read those PDFs back.
# The .NET SDK is expected on PATH (global.json pins 10.0.x); NuGet packages come with `dotnet restore`.
set -euo pipefail

PG_BIN="${OPSDASH_PG_BIN:-/usr/lib/postgresql/15/bin}"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else echo "error: need root (or sudo) to run: $*" >&2; exit 1
    fi
}

if [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
    echo "Installing PostgreSQL 15 (apt)..."
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi

if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || ! command -v pdftotext >/dev/null 2>&1; then
    echo "Installing fonts-dejavu-core and poppler-utils (apt)..."
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core poppler-utils >/dev/null
fi

# The Debian package may start its own cluster on 5432; OpsDash runs its own under .data/ and does not need it.

if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "error: running as root needs the 'postgres' OS user (created by the postgresql package)" >&2
    exit 1
fi

if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET SDK 10 is required (dotnet on PATH)" >&2
    exit 1
fi

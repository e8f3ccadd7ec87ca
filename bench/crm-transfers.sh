#!/usr/bin/env bash
# Contact CSV transfers for docs/performance.md (issue 17, item 3): on a fresh embedded PostgreSQL in a temp
# folder, the seed command fills one org with CONTACTS contacts; then GET /contacts/export read at full speed
# and at RATE (curl --limit-rate, an ordinary download), each file's lines counted, and an IMPORT_ROWS-row import
# sent at full speed and at UPLOAD_RATE into fresh orgs. Peak Host RSS after each. Loopback only. Needs root
# (embedded cluster), postgresql-15. Run it from an older checkout to compare (it only calls the API).
#
#   bench/crm-transfers.sh
#   CONTACTS=200000 RATE=8M UPLOAD_RATE=400K bench/crm-transfers.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CONTACTS="${CONTACTS:-1000000}"
IMPORT_ROWS="${IMPORT_ROWS:-100000}"
RATE="${RATE:-8M}"
UPLOAD_RATE="${UPLOAD_RATE:-400K}"
HTTP_PORT="${HTTP_PORT:-5182}"
PG_PORT="${PG_PORT:-55435}"
PG_BIN="${OPSDASH_PG_BIN:-/usr/lib/postgresql/15/bin}"

. bench/lib.sh

# Enterprise (billed to the personal org): no caps for the seed's org and the imports; CSV import is Pro.
psql_owner -c "update organizations.subscriptions set plan_key = 'enterprise' where org_id = '$(echo "$ME" | json 'd["currentOrgId"]')'"
team() { curl -fs "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"name\":\"$1\",\"slug\":\"$1-$RANDOM\"}" "$BASE/api/v1/orgs" | json 'd["slug"]'; }
SLUG="$(team transfers)"
echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

dotnet "$HOST_DLL" seed --org "$SLUG" --contacts "$CONTACTS" --companies $(( CONTACTS / 20 )) --deals 0 \
    --Database:Url="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=opsdash" >"$WORK/seed.log" 2>&1 \
    || { cat "$WORK/seed.log"; exit 1; }
rss() { echo "$(( $(awk "/$1/ {print \$2}" /proc/$HOST_PID/status) / 1024 ))"; }

# "status seconds first-byte-seconds bytes lines" of an export read at the given curl rate (0: full speed).
export_at() {
    local limit=() out
    [ "$1" != 0 ] && limit=(--limit-rate "$1")
    out="$(curl -s "${limit[@]}" -o "$WORK/export.csv" -w '%{http_code} %{time_total} %{time_starttransfer} %{size_download}' "${AUTH[@]}" \
        "$BASE/api/v1/orgs/$SLUG/contacts/export" || true)"
    echo "$out $(wc -l <"$WORK/export.csv")"
}
read -r code s first bytes lines <<<"$(export_at 0)"
echo "export, full speed: $code, $lines lines ($(( bytes / 1048576 )) MiB) in $s s (first byte after $first s); Host peak RSS $(rss VmHWM) MiB"
read -r code s first bytes lines <<<"$(export_at "$RATE")"
echo "export at $RATE/s: $code, $lines of $(( CONTACTS + 1 )) lines ($(( bytes / 1048576 )) MiB) in $s s (first byte after $first s); Host peak RSS $(rss VmHWM) MiB"

python3 - "$IMPORT_ROWS" >"$WORK/import.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("First name,Last name,Email,Phone,Job title,Tags")
for i in range(n):
    print(f"Person{i},Import,person.{i}@import.example,+1 555 {i:07d},Engineer,imported;bench")
PY
import_at() {
    local limit=() out
    [ "$1" != 0 ] && limit=(--limit-rate "$1")
    out="$(curl -s "${limit[@]}" -o "$WORK/import.json" -w '%{http_code} %{time_total}' "${AUTH[@]}" -H 'Content-Type: text/csv' \
        --data-binary @"$WORK/import.csv" "$BASE/api/v1/orgs/$(team import)/contacts/import" || true)"
    echo "$out $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("created", "-"))' "$WORK/import.json" 2>/dev/null || echo -)"
}
read -r code s created <<<"$(import_at 0)"
echo "import of $IMPORT_ROWS rows ($(( $(stat -c %s "$WORK/import.csv") / 1024 )) KiB), full speed: $code, $created created in $s s; Host peak RSS $(rss VmHWM) MiB"
read -r code s created <<<"$(import_at "$UPLOAD_RATE")"
echo "import sent at $UPLOAD_RATE/s: $code, $created created in $s s; Host peak RSS $(rss VmHWM) MiB"

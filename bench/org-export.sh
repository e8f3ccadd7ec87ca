#!/usr/bin/env bash
# Organization export and import for docs/performance.md (issue 21, items 3-4): on a fresh embedded PostgreSQL in
# a temp folder, the seed command fills one org with CONTACTS contacts, CONTACTS/20 companies and CONTACTS/5 deals
# (with their stage history); POST /exports runs on the Host's own job worker while another org enqueues a probe
# job every 50 ms (each probe's enqueue-to-claim is recorded); then the ZIP is downloaded through its link and
# POSTed to /imports of a new org. Rows/s end to end, Host peak RSS. Loopback only. Needs root (embedded cluster).
#
#   bench/org-export.sh
#   CONTACTS=1000000 bench/org-export.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CONTACTS="${CONTACTS:-100000}"
HTTP_PORT="${HTTP_PORT:-5183}"
PG_PORT="${PG_PORT:-55436}"
PG_BIN="${OPSDASH_PG_BIN:-/usr/lib/postgresql/15/bin}"

export OPSDASH_Email__AllowPickupInProduction=true # the Host refuses pickup emails in Production otherwise
. bench/lib.sh

# Enterprise (billed to the personal org): no caps for the import; export and import are Pro.
psql_owner -c "update organizations.subscriptions set plan_key = 'enterprise' where org_id = '$(echo "$ME" | json 'd["currentOrgId"]')'"
team() { curl -fs "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"name\":\"$1\",\"slug\":\"$1-$RANDOM\"}" "$BASE/api/v1/orgs" | json 'd["slug"]'; }
SLUG="$(team exportsrc)"
OTHER="$(team other)"
OTHER_ID="$(psql_owner -c "select id from organizations.organizations where slug = '$OTHER'")"
echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

dotnet "$HOST_DLL" seed --org "$SLUG" --contacts "$CONTACTS" --companies $(( CONTACTS / 20 )) --deals $(( CONTACTS / 5 )) \
    --Database:Url="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=opsdash" >"$WORK/seed.log" 2>&1 \
    || { cat "$WORK/seed.log"; exit 1; }
rss() { echo "$(( $(awk "/$1/ {print \$2}" /proc/$HOST_PID/status) / 1024 ))"; }
echo "seeded; Host RSS $(rss VmRSS) MiB (peak so far $(rss VmHWM) MiB)"

# Another org's probe jobs (a kind no handler takes: claimed, then parked; claiming is the start measured).
probe() {
    while [ ! -f "$WORK/export.done" ]; do
        psql_owner -c "select set_config('app.org_id', '$OTHER_ID', false), set_config('app.user_id', '$USER_ID', false); select jobs.enqueue('bench.probe', '{}'::jsonb, 'default', 0::smallint, 1, null, null)" >/dev/null
        sleep 0.05
    done
}
probe &
PROBE_PID=$!

start=$(date +%s.%N)
ID="$(curl -fs -X POST "${AUTH[@]}" "$BASE/api/v1/orgs/$SLUG/exports" | json 'd["id"]')"
while :; do
    EXPORT="$(curl -fs "${AUTH[@]}" "$BASE/api/v1/orgs/$SLUG/exports/$ID")"
    state="$(echo "$EXPORT" | json 'd["state"]')"
    [ "$state" = ready ] || [ "$state" = failed ] && break
    sleep 0.2
done
end=$(date +%s.%N)
touch "$WORK/export.done"; wait "$PROBE_PID" || true
[ "$state" = ready ] || { echo "export $state: $EXPORT"; tail -20 "$WORK/host.log"; exit 1; }
ROWS="$(echo "$EXPORT" | json 'sum(d["rowCounts"].values())')"
BYTES="$(echo "$EXPORT" | json 'd["fileBytes"]')"
echo "export: $ROWS rows in $(printf '%.2f' "$(echo "$end - $start" | bc)") s request-to-ready = $(echo "$ROWS / ($end - $start)" | bc) rows/s; ZIP $(( BYTES / 1048576 )) MiB; Host peak RSS $(rss VmHWM) MiB"
echo "export counts: $(echo "$EXPORT" | json 'd["rowCounts"]')"
psql_owner -c "select 'other org probe enqueue-to-claim over ' || count(*) || ' jobs: p50 ' || round(percentile_cont(0.5) within group (order by ms)::numeric, 1)
                      || ' ms, p95 ' || round(percentile_cont(0.95) within group (order by ms)::numeric, 1) || ' ms, max ' || round(max(ms)::numeric, 1) || ' ms'
                 from (select extract(epoch from (attempted_at - created_at)) * 1000 as ms from jobs.jobs where kind = 'bench.probe' and attempted_at is not null) p"

curl -fs -o "$WORK/export.zip" "$BASE$(echo "$EXPORT" | json 'd["downloadUrl"]')"
TARGET="$(team imported)"
out="$(curl -s -o "$WORK/import.json" -w '%{http_code} %{time_total}' "${AUTH[@]}" -H 'Content-Type: application/zip' \
    --data-binary @"$WORK/export.zip" "$BASE/api/v1/orgs/$TARGET/imports")"
read -r code s <<<"$out"
[ "$code" = 200 ] || { echo "import $code: $(cat "$WORK/import.json")"; grep -iE "fail|exception|error" "$WORK/host.log" | tail -20; exit 1; }
IMPORTED="$(json 'sum(d["rows"].values())' <"$WORK/import.json")"
echo "import: $code, $IMPORTED rows in $s s = $(echo "$IMPORTED / $s" | bc) rows/s; Host peak RSS $(rss VmHWM) MiB"

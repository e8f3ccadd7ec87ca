#!/usr/bin/env bash
# CRM figures for docs/performance.md (issue 9): on a fresh embedded PostgreSQL in a temp folder, the
# seed command fills one org with 1,000,000 contacts, 50,000 companies and 200,000 deals (timed), then:
# list latency page 1 vs page 20,000 (a real cursor), the deep page's plan as opsdash_app, prefix
# search server time, GET /contacts throughput next to GET /members and /health/live in one run, and a
# 100,000-row CSV import in one request next to its floor: a plain INSERT ... SELECT of the same rows into
# crm.contacts (with its triggers, then without), in the same run. Loopback only. Needs root (embedded
# cluster), wrk, postgresql-15.
#
#   bench/crm-list.sh
#   CONTACTS=200000 COMPANIES=10000 DEALS=40000 IMPORT_ROWS=20000 bench/crm-list.sh   # quicker
#   IMPORT_ONLY=1 IMPORT_RUNS=5 bench/crm-list.sh   # the seed, then only the import and its floor (sections 1, 6, 7), 5 pairs
set -euo pipefail
cd "$(dirname "$0")/.."

CONTACTS="${CONTACTS:-1000000}"
COMPANIES="${COMPANIES:-50000}"
DEALS="${DEALS:-200000}"
IMPORT_ROWS="${IMPORT_ROWS:-100000}"
IMPORT_ONLY="${IMPORT_ONLY:-0}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-10}"
HTTP_PORT="${HTTP_PORT:-5181}"
PG_PORT="${PG_PORT:-55434}"
PG_BIN="${OPSDASH_PG_BIN:-/usr/lib/postgresql/15/bin}"

. bench/lib.sh

# Enterprise (billed to the personal org): no caps for the seed's org and the import; CSV import is Pro.
psql_owner -c "update organizations.subscriptions set plan_key = 'enterprise' where org_id = '$(echo "$ME" | json 'd["currentOrgId"]')'"
# A team org, so members can be added for the 50-member comparison.
TEAM_JSON="$(curl -fs "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"name\":\"CRM bench\",\"slug\":\"crm-bench-$RANDOM\"}" "$BASE/api/v1/orgs")"
SLUG="$(echo "$TEAM_JSON" | json 'd["slug"]')"
ORG_ID="$(echo "$TEAM_JSON" | json 'd["id"]')"
API="$BASE/api/v1/orgs/$SLUG"

echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. The seed command, timed end to end (process start, migration check, the SQL, analyze).
start=$(date +%s.%N)
dotnet "$HOST_DLL" seed --org "$SLUG" --contacts "$CONTACTS" --companies "$COMPANIES" --deals "$DEALS" \
    --Database:Url="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=opsdash" >"$WORK/seed.log" 2>&1 \
    || { cat "$WORK/seed.log"; exit 1; }
seed_s=$(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')")
echo "seed: $CONTACTS contacts, $COMPANIES companies, $DEALS deals in $seed_s s ($(grep -E 'contacts|deals' "$WORK/seed.log" | tr -s ' ' | paste -sd';'))"

if [ "$IMPORT_ONLY" != 1 ]; then
# 2. Page 1 and page 20,000 (created desc, 50 per page): the deep cursor is the last row of page 19,999.
DEEP_PAGE=$(( CONTACTS / 50 < 20000 ? CONTACTS / 50 : 20000 ))
IFS='|' read -r AFTER_ID AFTER_TIME AFTER_TICKS <<<"$(psql_owner -F'|' -c "
    select id, created_at, (extract(epoch from created_at) * 10000000)::bigint + 621355968000000000
      from crm.contacts where org_id = '$ORG_ID' and deleted_at is null
     order by created_at desc, id desc offset $(( (DEEP_PAGE - 1) * 50 - 1 )) limit 1")"
CURSOR="$(cursor_of created.desc "$AFTER_ID" "$AFTER_TICKS")"
deep_json="$(curl -s "${AUTH[@]}" "$API/contacts?limit=50&cursor=$CURSOR")"
deep_first="$(echo "$deep_json" | json 'd["items"][0]["id"]' 2>/dev/null)" || { echo "deep page: $deep_json (cursor $CURSOR)"; exit 1; }
expected_first="$(psql_owner -c "select id from crm.contacts where org_id = '$ORG_ID' and deleted_at is null order by created_at desc, id desc offset $(( (DEEP_PAGE - 1) * 50 )) limit 1")"
[ "$deep_first" = "$expected_first" ] || { echo "deep page starts at $deep_first, expected $expected_first"; exit 1; }

read -r p1_50 p1_99 _ <<<"$(latency "/api/v1/orgs/$SLUG/contacts?limit=50")"
read -r deep_50 deep_99 _ <<<"$(latency "/api/v1/orgs/$SLUG/contacts?limit=50&cursor=$CURSOR")"
echo "list, one connection: page 1 p50 $p1_50 ms (p99 $p1_99), page $DEEP_PAGE p50 $deep_50 ms (p99 $deep_99), ratio $(python3 -c "print(f'{$deep_50 / $p1_50:.2f}')")"

# 3. The deep page's plan as the app role, with the request's context.
echo "plan of page $DEEP_PAGE as opsdash_app:"
psql_app -v org="$ORG_ID" -v after_id="$AFTER_ID" -v after_time="$AFTER_TIME" <<SQL | sed 's/^/    /'
begin;
select set_config('app.user_id', '$USER_ID', true), set_config('app.org_id', '$ORG_ID', true) \g /dev/null
explain (analyze, buffers, costs off) $(sed '/^--/d' bench/sql/contacts-deep.sql)
rollback;
SQL

# 4. Prefix search, server time (EXPLAIN ANALYZE execution time, as the app role, warm) and over HTTP.
search_ms() { # low high
    psql_app -v org="$ORG_ID" -v low="$1" -v high="$2" <<SQL | awk '/Execution Time/ {print $3}' | tail -1
begin;
select set_config('app.user_id', '$USER_ID', true), set_config('app.org_id', '$ORG_ID', true) \g /dev/null
$(for _ in 1 2 3; do echo "explain (analyze) $(sed '/^--/d' bench/sql/contacts-search.sql)"; done)
rollback;
SQL
}
echo "search server time (3rd run): name 'grace' $(search_ms grace gracf) ms, email 'ada.lovelace.1' $(search_ms ada.lovelace.1 ada.lovelace.2) ms"
read -r s50 s99 _ <<<"$(latency "/api/v1/orgs/$SLUG/contacts?limit=50&search=grace")"
read -r e50 e99 _ <<<"$(latency "/api/v1/orgs/$SLUG/contacts?limit=50&search=ada.lovelace.1")"
read -r r50 r99 _ <<<"$(latency "/api/v1/orgs/$SLUG/contacts?limit=50&search=tim.wilson.99")"
echo "search over HTTP, one connection: name p50 $s50 ms (p99 $s99), email p50 $e50 ms (p99 $e99), rare email prefix p50 $r50 ms (p99 $r99)"

# 5. Throughput side by side, one run, same connections: GET /members with the org's one member (as
# bench/http-load.sh measures it) and again with 50 members, a page the size of the contact page.
rps() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "${AUTH[@]}" "$BASE$1" | awk '/Requests\/sec/ {print $2}'; }
contacts_rps="$(rps "/api/v1/orgs/$SLUG/contacts?limit=50")"
members_rps="$(rps "/api/v1/orgs/$SLUG/members")"
live_rps="$(rps "/health/live")"
psql_owner -c "
    with u as (insert into auth.users (id, email, password_hash, full_name)
               select gen_random_uuid(), 'member' || i || '@bench.example', 'not a hash', 'Member ' || i from generate_series(1, 49) i
               returning id)
    insert into members.org_members (org_id, user_id, role) select '$ORG_ID', id, 'member' from u" >/dev/null
members50_rps="$(rps "/api/v1/orgs/$SLUG/members")"
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
echo "throughput (wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s): contacts (50 rows) $contacts_rps req/s, members (1 row) $members_rps req/s, members (50 rows) $members50_rps req/s, live $live_rps req/s"
echo "  contacts / members(1) $(ratio "$contacts_rps" "$members_rps"), contacts / members(50) $(ratio "$contacts_rps" "$members50_rps")"

fi

# 6. CSV import of IMPORT_ROWS new contacts in one request, into a fresh team org of the same user (IMPORT_RUNS times,
# each next to its floor, section 7).
python3 - "$IMPORT_ROWS" >"$WORK/import.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("First name,Last name,Email,Phone,Job title,Tags")
for i in range(n):
    print(f"Person{i},Import,person.{i}@import.example,+1 555 {i:07d},Engineer,imported;bench")
PY
new_org() { curl -fs "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"name\":\"$1\",\"slug\":\"$1-$RANDOM$RANDOM\"}" "$BASE/api/v1/orgs"; }
import_once() { # prints seconds
    local team out import_bytes rss_before hwm
    team="$(new_org import | json 'd["slug"]')"
    rss_before=$(awk '/VmRSS/ {print $2}' /proc/$HOST_PID/status)
    out="$(curl -fs -o "$WORK/import.json" -w '%{time_total} %{size_upload}' "${AUTH[@]}" -H 'Content-Type: text/csv' \
        --data-binary @"$WORK/import.csv" "$BASE/api/v1/orgs/$team/contacts/import")"
    read -r import_s import_bytes <<<"$out"
    hwm=$(awk '/VmHWM/ {print $2}' /proc/$HOST_PID/status)
    echo "import: $(json 'd["created"]' <"$WORK/import.json") created from $IMPORT_ROWS rows ($(( ${import_bytes%.*} / 1024 )) KiB) in $import_s s = $(python3 -c "print(f'{$IMPORT_ROWS / $import_s:,.0f}')") rows/s; Host RSS before $(( rss_before / 1024 )) MiB, peak $(( hwm / 1024 )) MiB; load $(cut -d' ' -f1 /proc/loadavg)" >&2
    LAST_TEAM="$team"
}

# 7. The import's floor: the same rows (the first import's own, with its ids) in a staging table, then one plain
# INSERT ... SELECT into crm.contacts for a fresh org of the same user, as the owner (no RLS, no upsert, no staging,
# no HTTP), with the table's triggers (the daily counts per statement, the company check: part of the cost), and
# once without any (rolled back). Timed by the server (EXPLAIN ANALYZE's execution time). The import's time is the
# whole request (upload, parse, staging, upsert, commit) as curl sees it.
floor_ms() { # org, statements before the insert in its transaction, how it ends
    psql_owner <<SQL | awk '/Execution Time/ {print $3}'
begin;
$2
explain (analyze, costs off)
insert into crm.contacts (org_id, id, first_name, last_name, email, phone, title, tags)
select '$1', f.id, f.first_name, f.last_name, f.email, f.phone, f.title, f.tags from public.floor_rows f order by f.id;
$3
SQL
}
IMPORT_RUNS="${IMPORT_RUNS:-3}"
# Warm-up, not measured: the first import of a fresh Host ran at half the speed of the next ones (JIT, plans, buffers).
head -5001 "$WORK/import.csv" >"$WORK/warmup.csv"
curl -fs -o /dev/null "${AUTH[@]}" -H 'Content-Type: text/csv' --data-binary @"$WORK/warmup.csv" \
    "$BASE/api/v1/orgs/$(new_org warmup | json 'd["slug"]')/contacts/import"
ratios=()
for run in $(seq 1 "$IMPORT_RUNS"); do
    import_once
    if [ "$run" = 1 ]; then
        TEAM_ID="$(psql_owner -c "select id from organizations.organizations where slug = '$LAST_TEAM'")"
        psql_owner -c "
            create unlogged table public.floor_rows as
            select id, first_name, last_name, email, phone, title, tags from crm.contacts where org_id = '$TEAM_ID' order by id;
            analyze public.floor_rows" >/dev/null
    fi
    floor_with_ms="$(floor_ms "$(new_org floor | json 'd["id"]')" "" "commit;")"
    import_rps="$(python3 -c "print(f'{$IMPORT_ROWS / $import_s:.0f}')")"
    floor_rps="$(python3 -c "print(f'{$IMPORT_ROWS / ($floor_with_ms / 1000):.0f}')")"
    ratio="$(python3 -c "print(f'{$import_rps / $floor_rps:.2f}')")"
    ratios+=("$ratio")
    echo "run $run: import $import_rps rows/s, floor (plain INSERT ... SELECT, triggers on) $floor_rps rows/s ($floor_with_ms ms): ratio $ratio; load $(cut -d' ' -f1-3 /proc/loadavg)"
done
floor_without_ms="$(floor_ms "$(new_org floor | json 'd["id"]')" "alter table crm.contacts disable trigger all;" "rollback;")"
echo "floor without any trigger (foreign keys included): $(python3 -c "print(f'{$IMPORT_ROWS / ($floor_without_ms / 1000):.0f}')") rows/s ($floor_without_ms ms)"
echo "import / floor, median of $IMPORT_RUNS runs: $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"

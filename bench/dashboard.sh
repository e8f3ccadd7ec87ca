#!/usr/bin/env bash
# Dashboard figures for docs/performance.md (issue 21): on a fresh embedded PostgreSQL in a temp folder, the
# seed command fills one org with 1,000,000 contacts, 50,000 companies and 200,000 deals; set-based SQL as the
# owner adds what the seed has none of (leads, projects, tasks, time entries) and spreads the closed deals'
# stage changes over the deals' lifetimes. Then, warm, over HTTP on one connection: GET /dashboard for the
# default 30 days and for a 366-day range, and GET /insights; the server time of each request from the Host's
# request log (route, status, ms, round trips), and the plans of the two module statements as opsdash_app.
# Needs root (embedded cluster), wrk, postgresql-15.
#
#   bench/dashboard.sh
#   CONTACTS=200000 COMPANIES=10000 DEALS=40000 bench/dashboard.sh   # quicker
set -euo pipefail
cd "$(dirname "$0")/.."

CONTACTS="${CONTACTS:-1000000}"
COMPANIES="${COMPANIES:-50000}"
DEALS="${DEALS:-200000}"
LEADS="${LEADS:-$(( CONTACTS / 10 ))}"
PROJECTS="${PROJECTS:-1000}"
TASKS="${TASKS:-$(( DEALS / 2 ))}"
TIME_ENTRIES="${TIME_ENTRIES:-$DEALS}"
DURATION="${DURATION:-10}"
HTTP_PORT="${HTTP_PORT:-5183}"
PG_PORT="${PG_PORT:-55436}"
PG_BIN="${OPSDASH_PG_BIN:-/usr/lib/postgresql/15/bin}"

. bench/lib.sh

psql_owner -c "update organizations.subscriptions set plan_key = 'enterprise' where org_id = '$(echo "$ME" | json 'd["currentOrgId"]')'"
TEAM_JSON="$(curl -fs "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"name\":\"Dashboard bench\",\"slug\":\"dash-bench-$RANDOM\"}" "$BASE/api/v1/orgs")"
SLUG="$(echo "$TEAM_JSON" | json 'd["slug"]')"
ORG_ID="$(echo "$TEAM_JSON" | json 'd["id"]')"
API="$BASE/api/v1/orgs/$SLUG"

echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

start=$(date +%s.%N)
dotnet "$HOST_DLL" seed --org "$SLUG" --contacts "$CONTACTS" --companies "$COMPANIES" --deals "$DEALS" \
    --Database:Url="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=opsdash" >"$WORK/seed.log" 2>&1 \
    || { cat "$WORK/seed.log"; exit 1; }
echo "seed: $CONTACTS contacts, $COMPANIES companies, $DEALS deals in $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s"

start=$(date +%s.%N)
psql_owner <<SQL
-- Closed deals closed a few days after they were created (the seed moves none, so all would be "today").
update crm.deals set stage_changed_at = created_at + make_interval(days => 1 + abs(hashtext(id::text)) % 60)
 where org_id = '$ORG_ID' and status <> 'open';
insert into crm.leads (org_id, id, name, email, status, created_at)
select '$ORG_ID', gen_random_uuid(), 'Lead ' || i, 'lead.' || i || '@example.com',
       (array['new', 'contacted', 'qualified', 'disqualified'])[1 + i % 4], now() - make_interval(mins => i * 5)
  from generate_series(1, $LEADS) i;
insert into projects.projects (org_id, id, name, created_at)
select '$ORG_ID', (left(md5('$ORG_ID' || 'p'), 16) || lpad(to_hex(i), 16, '0'))::uuid, 'Project ' || i, now() - make_interval(days => i % 400)
  from generate_series(1, $PROJECTS) i;
insert into projects.tasks (org_id, id, project_id, title, status, due_date, position, created_at)
select '$ORG_ID', (left(md5('$ORG_ID' || 't'), 16) || lpad(to_hex(i), 16, '0'))::uuid,
       (left(md5('$ORG_ID' || 'p'), 16) || lpad(to_hex(1 + i % $PROJECTS), 16, '0'))::uuid, 'Task ' || i,
       (array['todo', 'in_progress', 'done', 'done', 'cancelled'])[1 + i % 5], current_date + (i % 120) - 60, i,
       now() - make_interval(mins => i * 5)
  from generate_series(1, $TASKS) i;
-- Done tasks were done a day after they were created (the completion trigger stamped now()).
update projects.tasks set completed_at = created_at + interval '1 day' where org_id = '$ORG_ID' and status = 'done';
insert into projects.time_entries (org_id, id, project_id, task_id, minutes, entry_date, billable, hourly_rate, currency)
select '$ORG_ID', gen_random_uuid(),
       (left(md5('$ORG_ID' || 'p'), 16) || lpad(to_hex(1 + (1 + i % $TASKS) % $PROJECTS), 16, '0'))::uuid,
       (left(md5('$ORG_ID' || 't'), 16) || lpad(to_hex(1 + i % $TASKS), 16, '0'))::uuid,
       15 + i % 240, current_date - (i % 400), i % 4 <> 0, case when i % 3 <> 0 then 80 + i % 70 end,
       (array['USD', 'EUR'])[1 + i % 2]
  from generate_series(1, $TIME_ENTRIES) i;
vacuum (analyze) crm.deals, crm.contacts, crm.leads, projects.projects, projects.tasks, projects.time_entries;
SQL
echo "added $LEADS leads, $PROJECTS projects, $TASKS tasks, $TIME_ENTRIES time entries, vacuum analyze: $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s"

YEAR_FROM="$(date -u -d '-365 days' +%F)"
TODAY="$(date -u +%F)"
for path in "/dashboard" "/dashboard?from=$YEAR_FROM&to=$TODAY" "/insights"; do
    curl -fs "${AUTH[@]}" "$API$path" >/dev/null || { echo "GET $path failed"; exit 1; }
done
curl -fs "${AUTH[@]}" "$API/dashboard?from=$YEAR_FROM&to=$TODAY" | python3 -c '
import json,sys; d=json.load(sys.stdin)
print("366 days:", "pipeline", [(p["currency"], p["openDeals"], p["value"], p["weightedValue"]) for p in d["pipeline"]],
      "won", d["winRate"]["won"], "lost", d["winRate"]["lost"], "newContacts", d["newContacts"], "newLeads", d["newLeads"],
      "tasks", d["tasks"], "billable minutes", d["billableTime"]["minutes"])'

# Server time per request: the Host's request log line for the route (ms and database round trips).
server_ms() { # route-regex since-line
    tail -n +"$2" "$WORK/host.log" | grep -E "GET /api/v1/orgs/\{slug\}/$1 200" | python3 -c '
import re,sys
v=sorted(float(m.group(1)) for m in (re.search(r" 200 ([\d.]+) ms", l) for l in sys.stdin) if m)
print("n=%d p50 %.1f ms p95 %.1f ms max %.1f ms" % (len(v), v[len(v)//2], v[int(len(v)*0.95)], v[-1]) if v else "no samples")'
}

for case in "dashboard|/dashboard|30 days (default)" "dashboard|/dashboard?from=$YEAR_FROM&to=$TODAY|366 days" "insights|/insights|insights"; do
    IFS='|' read -r route path label <<<"$case"
    since=$(( $(wc -l <"$WORK/host.log") + 1 ))
    read -r p50 p99 rps <<<"$(latency "/api/v1/orgs/$SLUG$path")"
    echo "GET $label, one connection: p50 $p50 ms, p99 $p99 ms ($rps req/s); server time $(server_ms "$route" "$since")"
done
grep -E "GET /api/v1/orgs/\{slug\}/(dashboard|insights) 200" "$WORK/host.log" | tail -2 | sed 's/^/    log: /'

echo "plans as opsdash_app (the statements the contracts send, 366-day range):"
psql_app <<SQL | grep -E "Execution Time|Index Only Scan|Index Scan|Seq Scan|Heap Fetches" | sed 's/^/    /'
begin;
select set_config('app.user_id', '$USER_ID', true), set_config('app.org_id', '$ORG_ID', true) \g /dev/null
explain (analyze, costs off)
$(sed '/^--/d' bench/sql/dashboard-crm.sql | sed "s/@OrgId/'$ORG_ID'::uuid/g; s/@FromDay::date/'$YEAR_FROM'::date/g; s/@ToDay::date/'$TODAY'::date/g; s/@From/'$YEAR_FROM'::timestamptz/g; s/@Until/('$TODAY'::date + 1)::timestamptz/g");
explain (analyze, costs off)
$(sed '/^--/d' bench/sql/dashboard-projects.sql | sed "s/@OrgId/'$ORG_ID'::uuid/g; s/@FromDate::date/'$YEAR_FROM'::date/g; s/@ToDate::date/'$TODAY'::date/g; s/@Today::date/'$TODAY'::date/g; s/@From/'$YEAR_FROM'::timestamptz/g; s/@Until/('$TODAY'::date + 1)::timestamptz/g");
rollback;
SQL

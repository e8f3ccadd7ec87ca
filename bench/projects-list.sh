#!/usr/bin/env bash
# Projects figures for docs/performance.md (issue 10): on a fresh embedded PostgreSQL in a temp folder,
# one org gets 100,000 projects and one of them 10,000 tasks (set-based SQL as the owner, not the API),
# then: latency of page 1 and of a deep page of GET /projects and GET /projects/{id}/tasks (real
# cursors, one connection), and the deep pages' plans as opsdash_app. Needs root, wrk, postgresql-15.
#
#   bench/projects-list.sh
#   PROJECTS=20000 TASKS=2000 DURATION=3 bench/projects-list.sh   # quicker
set -euo pipefail
cd "$(dirname "$0")/.."

PROJECTS="${PROJECTS:-100000}"
TASKS="${TASKS:-10000}"
DURATION="${DURATION:-10}"
HTTP_PORT="${HTTP_PORT:-5182}"
PG_PORT="${PG_PORT:-55435}"
PG_BIN="${OPSDASH_PG_BIN:-/usr/lib/postgresql/15/bin}"

. bench/lib.sh
SLUG="$(echo "$ME" | json 'd["currentOrgSlug"]')"
ORG_ID="$(echo "$ME" | json 'd["currentOrgId"]')"

echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
psql_owner <<SQL
insert into projects.projects (org_id, id, name, status, due_date, created_at)
select '$ORG_ID', (left(md5('$ORG_ID' || 'p'), 16) || lpad(to_hex(i), 16, '0'))::uuid, 'Project ' || i,
       (array['planned', 'active', 'on_hold', 'completed'])[1 + i % 4], current_date + (i % 365), now() - make_interval(secs => i)
  from generate_series(1, $PROJECTS) i;
insert into projects.tasks (org_id, id, project_id, title, status, priority, due_date, position)
select '$ORG_ID', (left(md5('$ORG_ID' || 't'), 16) || lpad(to_hex(i), 16, '0'))::uuid,
       (left(md5('$ORG_ID' || 'p'), 16) || lpad(to_hex(1), 16, '0'))::uuid, 'Task ' || i,
       (array['todo', 'in_progress', 'done'])[1 + i % 3], (array['low', 'medium', 'high'])[1 + i % 3], current_date + (i % 90) - 30, i
  from generate_series(1, $TASKS) i;
analyze projects.projects; analyze projects.tasks;
SQL
echo "seeded $PROJECTS projects and $TASKS tasks in one project in $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s"
PROJECT="$(psql_owner -c "select (left(md5('$ORG_ID' || 'p'), 16) || lpad(to_hex(1), 16, '0'))::uuid")"

# Projects: page 1 vs the page 2,000 deep (50 per page, newest first).
DEEP=$(( PROJECTS / 50 < 2000 ? PROJECTS / 50 : 2000 ))
IFS='|' read -r PID PTIME PTICKS <<<"$(psql_owner -F'|' -c "
    select id, created_at, (extract(epoch from created_at) * 10000000)::bigint + 621355968000000000
      from projects.projects where org_id = '$ORG_ID' and deleted_at is null
     order by created_at desc, id desc offset $(( (DEEP - 1) * 50 - 1 )) limit 1")"
PCURSOR="$(cursor_of projects.created.desc "$PID" "$PTICKS")"
curl -fs "${AUTH[@]}" "$BASE/api/v1/orgs/$SLUG/projects?limit=50&cursor=$PCURSOR" >/dev/null || { echo "bad projects cursor"; exit 1; }
read -r p1 p1_99 _ <<<"$(latency "/api/v1/orgs/$SLUG/projects?limit=50")"
read -r pd pd_99 _ <<<"$(latency "/api/v1/orgs/$SLUG/projects?limit=50&cursor=$PCURSOR")"
echo "GET /projects, one connection: page 1 p50 $p1 ms (p99 $p1_99), page $DEEP p50 $pd ms (p99 $pd_99), ratio $(python3 -c "print(f'{$pd / $p1:.2f}')")"

# Tasks of the 10,000-task project: page 1 vs page 200 (position order).
TDEEP=$(( TASKS / 50 < 200 ? TASKS / 50 : 200 ))
IFS='|' read -r TID TPOS <<<"$(psql_owner -F'|' -c "
    select id, position from projects.tasks where org_id = '$ORG_ID' and project_id = '$PROJECT' and deleted_at is null
     order by position, id offset $(( (TDEEP - 1) * 50 - 1 )) limit 1")"
TCURSOR="$(cursor_of tasks.position.asc "$TID" "$TPOS")"
curl -fs "${AUTH[@]}" "$BASE/api/v1/orgs/$SLUG/projects/$PROJECT/tasks?limit=50&cursor=$TCURSOR" >/dev/null || { echo "bad tasks cursor"; exit 1; }
read -r t1 t1_99 _ <<<"$(latency "/api/v1/orgs/$SLUG/projects/$PROJECT/tasks?limit=50")"
read -r td td_99 _ <<<"$(latency "/api/v1/orgs/$SLUG/projects/$PROJECT/tasks?limit=50&cursor=$TCURSOR")"
echo "GET /projects/{id}/tasks, one connection: page 1 p50 $t1 ms (p99 $t1_99), page $TDEEP p50 $td ms (p99 $td_99), ratio $(python3 -c "print(f'{$td / $t1:.2f}')")"

echo "plans of the deep pages as opsdash_app:"
psql_app <<SQL | sed 's/^/    /'
begin;
select set_config('app.user_id', '$USER_ID', true), set_config('app.org_id', '$ORG_ID', true) \g /dev/null
explain (analyze, buffers, costs off)
select p.id, p.name, p.status, p.created_at from projects.projects p
 where p.org_id = '$ORG_ID' and p.deleted_at is null and (p.created_at, p.id) < ('$PTIME'::timestamptz, '$PID'::uuid)
 order by p.created_at desc, p.id desc limit 51;
explain (analyze, buffers, costs off)
select t.id, t.title, t.position from projects.tasks t
 where t.org_id = '$ORG_ID' and t.project_id = '$PROJECT' and t.deleted_at is null and (t.position, t.id) > ($TPOS, '$TID'::uuid)
 order by t.position, t.id limit 51;
rollback;
SQL

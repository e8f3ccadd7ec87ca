#!/usr/bin/env bash
# PgBouncer in transaction mode in front of the embedded PostgreSQL, for docs/scaling.md (issue 22, item 7).
# Starts the Host as the other benches do (bench/lib.sh: fresh embedded cluster in a temp folder), then
# PgBouncer (Debian's package, installed when missing) with pool_mode = transaction and POOL server connections,
# and runs GET /members' own SQL (bench/sql/members.sql, one transaction) with pgbench as opsdash_app directly and
# through PgBouncer at 16 and 200 clients; then a second Host whose connections all go through PgBouncer
# (auto-prepare off: PgBouncer 1.18 does not carry prepared statements across server connections) serves
# GET /members under wrk, next to the first Host, and a tenant check: after the load, each org's member list
# over the pooled connections is still its own. Loopback only. Needs root, postgresql-15, wrk.
#
#   bench/pgbouncer.sh
#   POOL=10 DURATION=20 bench/pgbouncer.sh
set -euo pipefail
cd "$(dirname "$0")/.."

HTTP_PORT="${HTTP_PORT:-5183}"
HTTP2_PORT="${HTTP2_PORT:-5184}"
PG_PORT="${PG_PORT:-55436}"
PGB_PORT="${PGB_PORT:-6436}"
POOL="${POOL:-20}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-4}"
THREADS="${THREADS:-2}"
PG_BIN="${OPSDASH_PG_BIN:-/usr/lib/postgresql/15/bin}"

command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || { apt-get update -qq && apt-get install -y -qq pgbouncer >/dev/null; }
PGBOUNCER="$(command -v pgbouncer || echo /usr/sbin/pgbouncer)"

. bench/lib.sh

PGB_PID=""
HOST2_PID=""
pgbouncer_cleanup() {
    [ -n "$HOST2_PID" ] && { kill "$HOST2_PID" 2>/dev/null || true; wait "$HOST2_PID" 2>/dev/null || true; }
    [ -f "$WORK/pgb/pgbouncer.pid" ] && { kill "$(cat "$WORK/pgb/pgbouncer.pid")" 2>/dev/null || true; }  # not su's pid: PgBouncer's
    [ -n "$PGB_PID" ] && { kill "$PGB_PID" 2>/dev/null || true; }
    bench_cleanup
}
trap pgbouncer_cleanup EXIT

# The embedded cluster trusts loopback, so PgBouncer does too and logs in as the client's role.
mkdir -p "$WORK/pgb"
cat >"$WORK/pgb/pgbouncer.ini" <<INI
[databases]
opsdash = host=127.0.0.1 port=$PG_PORT dbname=opsdash
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGB_PORT
unix_socket_dir =
auth_type = trust
auth_file = $WORK/pgb/users.txt
pool_mode = transaction
default_pool_size = $POOL
max_client_conn = 1000
max_db_connections = $POOL
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = $WORK/pgb/pgbouncer.log
pidfile = $WORK/pgb/pgbouncer.pid
INI
printf '"opsdash_app" ""\n"opsdash_jobs" ""\n"postgres" ""\n' >"$WORK/pgb/users.txt"
chown -R postgres: "$WORK/pgb"
su postgres -s /bin/sh -c "$PGBOUNCER $WORK/pgb/pgbouncer.ini" >/dev/null 2>&1 &
PGB_PID=$!
for _ in $(seq 1 40); do "$PG_BIN/psql" -X -q -t -A -h 127.0.0.1 -p "$PGB_PORT" -U opsdash_app -d opsdash -c "select 1" >/dev/null 2>&1 && break; sleep 0.25; done

SLUG="$(echo "$ME" | json 'd["currentOrgSlug"]')"
ORG_ID="$(echo "$ME" | json 'd["currentOrgId"]')"
CLAIMS="$(echo "$TOKEN" | cut -d. -f2 | python3 -c "import base64,sys; s=sys.stdin.read().strip(); print(base64.urlsafe_b64decode(s+'='*(-len(s)%4)).decode())")"
STAMP="$(echo "$CLAIMS" | json 'd["stamp"]')"
SID="$(echo "$CLAIMS" | json 'd["sid"]')"
MAX_CONN="$(psql_owner -c "show max_connections")"

echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $($PGBOUNCER --version | head -1), pool_mode transaction, $POOL server connections; PostgreSQL max_connections $MAX_CONN"

# tx/s of GET /members' SQL: port, clients, protocol (extended: unnamed statements, what works through PgBouncer 1.18).
pgbench_tps() {
    local args=(-n -h 127.0.0.1 -p "$1" -U opsdash_app -c "$2" -j "$THREADS" -M "$3"
        -D uid="$USER_ID" -D stamp="$STAMP" -D sid="$SID" -D slug="$SLUG" -D org="$ORG_ID" -f bench/sql/members.sql opsdash)
    "$PG_BIN/pgbench" "${args[@]}" -T "$WARMUP" >/dev/null 2>&1 || true
    { "$PG_BIN/pgbench" "${args[@]}" -T "$DURATION" 2>&1 || true; } | awk '/^tps/ {printf "%.0f", $3; found=1} END {if (!found) printf "refused"}'
}
ratio() { python3 -c "import sys; a,b=sys.argv[1:]; print(f'{float(a)/float(b):.2f}' if a.replace('.','').isdigit() and b.replace('.','').isdigit() else '-')" "$1" "$2"; }

printf '%-44s %10s %10s %7s\n' "GET /members SQL (pgbench, opsdash_app)" direct pgbouncer ratio
for clients in 16 200; do
    direct="$(pgbench_tps "$PG_PORT" "$clients" extended)"
    pooled="$(pgbench_tps "$PGB_PORT" "$clients" extended)"
    printf '%-44s %10s %10s %7s\n' "$clients clients, -M extended" "$direct" "$pooled" "$(ratio "$pooled" "$direct")"
done
prepared="$(pgbench_tps "$PG_PORT" 16 prepared)"
prepared_pooled="$(pgbench_tps "$PGB_PORT" 16 prepared)"
printf '%-44s %10s %10s\n' "16 clients, -M prepared" "$prepared" "$prepared_pooled"

# A second Host, every connection through PgBouncer: auto-prepare off (Max Auto Prepare=0: PgBouncer 1.18 would send a
# statement prepared on one server connection to another), and no reset query when a connection returns to Npgsql's
# pool (No Reset On Close: the tenant context is transaction-local, nothing outlives the transaction).
dotnet "$HOST_DLL" --contentRoot "$PWD/src/Host" --urls "http://127.0.0.1:$HTTP2_PORT" \
    --Database:Url="Host=127.0.0.1;Port=$PGB_PORT;Username=postgres;Database=opsdash;Max Auto Prepare=0;No Reset On Close=true" \
    --Database:MigrateOnStartup=false --Database:AppPassword=unused --Database:JobsPassword=unused \
    --RateLimiting:Api:PermitLimit=1000000000 --RateLimiting:Auth:PermitLimit=1000000 --Email:AllowPickupInProduction=true \
    >"$WORK/host2.log" 2>&1 &
HOST2_PID=$!
BASE2="http://127.0.0.1:$HTTP2_PORT"
for _ in $(seq 1 120); do curl -fs "$BASE2/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$BASE2/health/ready" >/dev/null || { echo "Host through PgBouncer did not become ready:"; tail -20 "$WORK/host2.log"; exit 1; }

wrk_rps() { # base path
    wrk -t"$THREADS" -c16 -d"${WARMUP}s" "${AUTH[@]}" "$1$2" >/dev/null
    wrk -t"$THREADS" -c16 -d"${DURATION}s" "${AUTH[@]}" "$1$2" | awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "NON-2XX: " $0 > "/dev/stderr"}'
}
host_direct="$(wrk_rps "$BASE" "/api/v1/orgs/$SLUG/members")"
host_pooled="$(wrk_rps "$BASE2" "/api/v1/orgs/$SLUG/members")"
echo "GET /members (wrk -t$THREADS -c16 -d${DURATION}s): Host direct (auto-prepare on) $host_direct req/s, Host through PgBouncer (auto-prepare off) $host_pooled req/s, ratio $(ratio "$host_pooled" "$host_direct")"

# Tenant context after pooled load: a second user's org, both read concurrently through the pooled Host; each list is its own.
EMAIL2="bench2-$RANDOM@example.test"
curl -fs -H 'Content-Type: application/json' -d "{\"email\":\"$EMAIL2\",\"password\":\"correct horse battery\",\"fullName\":\"Other\"}" "$BASE2/api/v1/auth/signup" >/dev/null
TOKEN2="$(curl -fs -H 'Content-Type: application/json' -d "{\"email\":\"$EMAIL2\",\"password\":\"correct horse battery\"}" "$BASE2/api/v1/auth/login" | json 'd["accessToken"]')"
SLUG2="$(curl -fs -H "Authorization: Bearer $TOKEN2" "$BASE2/api/v1/me" | json 'd["currentOrgSlug"]')"
leaks=0
for _ in $(seq 1 200); do
    curl -fs "${AUTH[@]}" "$BASE2/api/v1/orgs/$SLUG/members" >"$WORK/a.json" &
    curl -fs -H "Authorization: Bearer $TOKEN2" "$BASE2/api/v1/orgs/$SLUG2/members" >"$WORK/b.json" &
    code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN2" "$BASE2/api/v1/orgs/$SLUG/members")"
    wait
    grep -q "$EMAIL2" "$WORK/a.json" && leaks=$((leaks + 1))
    grep -q "$EMAIL" "$WORK/b.json" && leaks=$((leaks + 1))
    [ "$code" = 404 ] || leaks=$((leaks + 1))
done
echo "tenant check through PgBouncer: 200 rounds of two orgs' lists at once plus a cross-org read (404 expected): $leaks leaks or wrong answers"

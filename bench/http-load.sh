#!/usr/bin/env bash
# Load figure for docs/performance.md: the Host (Release, embedded PostgreSQL in a fresh temp folder)
# under wrk, side by side with pgbench running each endpoint's own SQL as opsdash_app (the database
# floor). Loopback only; every run is bounded by DURATION. Needs root (embedded cluster) and Debian's
# wrk and postgresql-15 packages (installed when missing).
#
# A fresh Host runs JIT-tiered code for its first ~20 s under load, so the harness first reports that cold
# throughput (the first COLD seconds on GET /members: what every deploy pays), then warms each endpoint for WARMUP
# seconds before measuring it; pgbench warms the same way. The table's figures are warm.
#
# Last, telemetry's cost (ADR 0024): the Host is restarted twice on the same database, without telemetry and then
# with OTLP traces and metrics to a local sink that discards them and its Prometheus endpoint scraped every 5 s,
# each warmed COLD + WARMUP seconds before GET /members is measured; it prints both and on/off.
#
#   bench/http-load.sh            # defaults: 16 connections, 2 threads, 10 s per endpoint, 4 s warm-up, 10 s cold
#   CONNECTIONS=8 DURATION=20 WARMUP=8 bench/http-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-10}"
COLD="${COLD:-10}"
HTTP_PORT="${HTTP_PORT:-5180}"
PG_PORT="${PG_PORT:-55433}"
OTLP_PORT="${OTLP_PORT:-54318}"         # the discarding OTLP sink
MANAGEMENT_PORT="${MANAGEMENT_PORT:-59464}"  # the Host's Prometheus endpoint
PG_BIN="${OPSDASH_PG_BIN:-/usr/lib/postgresql/15/bin}"
SQL_DIR="${SQL_DIR:-bench/sql}"  # the statements each endpoint sends, one transaction per file

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
./scripts/ensure-prerequisites.sh
dotnet build src/Host -c Release -nologo -v quiet >/dev/null

WORK="$(mktemp -d /tmp/opsdash-bench.XXXXXX)"
HOST_PID=""
HELPER_PIDS=()
cleanup() {
    if [ -n "$HOST_PID" ]; then kill "$HOST_PID" 2>/dev/null || true; wait "$HOST_PID" 2>/dev/null || true; fi
    for pid in "${HELPER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

BASE="http://127.0.0.1:$HTTP_PORT"
start_host() { # extra Host arguments (the telemetry run's settings)
    dotnet src/Host/bin/Release/net10.0/OpsDash.Host.dll \
        --contentRoot "$PWD/src/Host" \
        --urls "$BASE" \
        --Database:Embedded:DataDirectory="$WORK/pg" \
        --Database:Embedded:Port="$PG_PORT" \
        --RateLimiting:Api:PermitLimit=1000000000 \
        --RateLimiting:Auth:PermitLimit=1000000 \
        --Email:AllowPickupInProduction=true \
        "$@" >>"$WORK/host.log" 2>&1 &
    HOST_PID=$!
    for _ in $(seq 1 120); do
        curl -fs "$BASE/health/ready" >/dev/null 2>&1 && break
        sleep 0.5
    done
    curl -fs "$BASE/health/ready" >/dev/null || { echo "Host did not become ready:"; tail -20 "$WORK/host.log"; exit 1; }
}
stop_host() { kill "$HOST_PID"; wait "$HOST_PID" 2>/dev/null || true; HOST_PID=""; }
start_host

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
EMAIL="bench-$RANDOM@example.test"
curl -fs -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"correct horse battery\",\"fullName\":\"Bench\"}" \
    "$BASE/api/v1/auth/signup" >/dev/null
TOKEN="$(curl -fs -H 'Content-Type: application/json' -d "{\"email\":\"$EMAIL\",\"password\":\"correct horse battery\"}" \
    "$BASE/api/v1/auth/login" | json 'd["accessToken"]')"
ME="$(curl -fs -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/me")"
USER_ID="$(echo "$ME" | json 'd["id"]')"
SLUG="$(echo "$ME" | json 'd["currentOrgSlug"]')"
ORG_ID="$(echo "$ME" | json 'd["currentOrgId"]')"
# The access token's session claims, which the Host checks on every request (auth.access_token_is_current).
CLAIMS="$(echo "$TOKEN" | cut -d. -f2 | python3 -c "import base64,json,sys; s=sys.stdin.read().strip(); print(base64.urlsafe_b64decode(s+'='*(-len(s)%4)).decode())")"
STAMP="$(echo "$CLAIMS" | json 'd["stamp"]')"
SID="$(echo "$CLAIMS" | json 'd["sid"]')"

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s; pgbench -j$THREADS -c$CONNECTIONS -T$DURATION -M ${PGBENCH_MODE:-prepared}, as opsdash_app"
echo "# one-member personal org; Host in Release, request log at its default (one line per request, to a file)"

wrk_for() { # seconds path
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${1}s" -H "Authorization: Bearer $TOKEN" "$BASE$2" \
        | awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "NON-2XX: " $0 > "/dev/stderr"}'
}

wrk_rps() { # path: warmed up, then measured
    wrk_for "$WARMUP" "$1" >/dev/null
    wrk_for "$DURATION" "$1"
}

pgbench_for() { # seconds script-file
    "$PG_BIN/pgbench" -n -h 127.0.0.1 -p "$PG_PORT" -U opsdash_app -M "${PGBENCH_MODE:-prepared}" \
        -j "$THREADS" -c "$CONNECTIONS" -T "$1" \
        -D uid="$USER_ID" -D org="$ORG_ID" -D slug="$SLUG" -D stamp="$STAMP" -D sid="$SID" -f "$2" opsdash \
        | awk '/^tps/ {print $3; exit}'
}

pgbench_tps() { # script file: warmed up, then measured
    pgbench_for "$WARMUP" "$1" >/dev/null
    pgbench_for "$DURATION" "$1"
}

# Before anything else has run on the Host: what a fresh deploy serves while the JIT tiers up.
cold="$(wrk_for "$COLD" "/api/v1/orgs/$SLUG/members")"
echo "# cold: GET /api/v1/orgs/{slug}/members in the first ${COLD} s of a fresh Host: $cold req/s"

# Each endpoint's statements exactly as the Host sends them (bench/sql/*.sql), one command each (ADR 0025).
printf '%-28s %12s %14s %8s\n' endpoint "host req/s" "pgbench tx/s" ratio
for spec in "members:/api/v1/orgs/$SLUG/members" "me-orgs:/api/v1/me/orgs" "plan:/api/v1/orgs/$SLUG/plan" "dashboard:/api/v1/orgs/$SLUG/dashboard" "live:/health/live"; do
    name="${spec%%:*}"
    path="${spec#*:}"
    host="$(wrk_rps "$path")"
    if [ -f "$SQL_DIR/$name.sql" ]; then
        db="$(pgbench_tps "$SQL_DIR/$name.sql")"
        ratio="$(python3 -c "print(f'{$host / $db:.2f}')")"
    else
        db="-"; ratio="-"
    fi
    printf '%-28s %12s %14s %8s\n' "GET ${path/$SLUG/\{slug\}}" "$host" "$db" "$ratio"
done
db="$(PGOPTIONS="-c app.user_id=$USER_ID -c app.org_id=$ORG_ID" pgbench_tps $SQL_DIR/members-select.sql)"
printf '%-28s %12s %14s %8s\n' "(members: one SELECT)" "-" "$db" "-"

# Telemetry off and on, each on a Host restarted the same way (same database, same token), warmed alike.
cat >"$WORK/otlp-sink.py" <<'PY'
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while (size := int(self.rfile.readline().strip() or b"0", 16)) > 0:
                self.rfile.read(size + 2)
            self.rfile.readline()
        else:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()
        print(self.path, flush=True)
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
python3 "$WORK/otlp-sink.py" "$OTLP_PORT" >"$WORK/otlp-sink.log" 2>&1 &
HELPER_PIDS+=($!)

members_restarted() { # extra Host arguments: sets RPS, GET /members req/s on a restarted, warmed Host
    stop_host
    start_host "$@"
    wrk_for "$COLD" "/api/v1/orgs/$SLUG/members" >/dev/null
    RPS="$(wrk_rps "/api/v1/orgs/$SLUG/members")"
}

members_restarted
off="$RPS"
load_off="$(cut -d' ' -f1-3 /proc/loadavg)"
( while sleep 5; do curl -fs "http://127.0.0.1:$MANAGEMENT_PORT/metrics" >/dev/null && echo scraped; done ) >"$WORK/scrapes.log" 2>&1 &
HELPER_PIDS+=($!)
members_restarted --Telemetry:Otlp:Endpoint="http://127.0.0.1:$OTLP_PORT" --Telemetry:ManagementUrl="http://127.0.0.1:$MANAGEMENT_PORT" --Telemetry:Otlp:SampleRatio=1
on="$RPS"
load_on="$(cut -d' ' -f1-3 /proc/loadavg)"
members_restarted --Telemetry:Otlp:Endpoint="http://127.0.0.1:$OTLP_PORT" --Telemetry:ManagementUrl="http://127.0.0.1:$MANAGEMENT_PORT" --Telemetry:Otlp:SampleRatio=0.1
sampled="$RPS"
members_restarted --Telemetry:ManagementUrl="http://127.0.0.1:$MANAGEMENT_PORT"
metrics_only="$RPS"
traces="$(grep -c '^/v1/traces' "$WORK/otlp-sink.log" || true)"
metrics="$(grep -c '^/v1/metrics' "$WORK/otlp-sink.log" || true)"
scrapes="$(grep -c scraped "$WORK/scrapes.log" || true)"
[ "$traces" -gt 0 ] && [ "$scrapes" -gt 0 ] || { echo "telemetry did not run: $traces trace exports, $scrapes scrapes"; exit 1; }
echo
echo "# telemetry (ADR 0024): GET /api/v1/orgs/{slug}/members on a restarted Host, warmed $((COLD + WARMUP)) s, measured ${DURATION} s"
printf '%-28s %12s %18s\n' telemetry "host req/s" "load avg (1/5/15)"
printf '%-28s %12s %18s\n' off "$off" "$load_off"
printf '%-28s %12s %18s\n' "on, every request traced" "$on" "$load_on"
printf '%-28s %12s\n' "on, 10% of traces" "$sampled"
printf '%-28s %12s\n' "metrics only (scrape)" "$metrics_only"
echo "# on/off: every request traced $(python3 -c "print(f'{$on / $off:.3f}')"), 10% traced $(python3 -c "print(f'{$sampled / $off:.3f}')"), metrics only $(python3 -c "print(f'{$metrics_only / $off:.3f}')") ($traces trace and $metrics metric exports received by the sink, $scrapes scrapes; OTLP and scrapes on every 'on' run but the last)"

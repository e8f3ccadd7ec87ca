# Shared by bench/crm-list.sh and bench/projects-list.sh (source it; it is not a command): installs what
# a run needs, builds the Host in Release and starts it on a fresh embedded PostgreSQL in a temp folder
# (removed on exit), signs a user up, and offers psql as the owner / the app role, a JSON reader and a
# one-connection latency probe. Expects HTTP_PORT, PG_PORT and PG_BIN; sets BASE, WORK, HOST_DLL,
# HOST_PID, TOKEN, AUTH, USER_ID, ME.

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
./scripts/ensure-prerequisites.sh
[ "${SKIP_BUILD:-0}" = 1 ] || dotnet build src/Host -c Release -nologo -v quiet >/dev/null  # SKIP_BUILD=1: the Release build is current

WORK="$(mktemp -d /tmp/opsdash-bench.XXXXXX)"
HOST_PID=""
bench_cleanup() {
    if [ -n "$HOST_PID" ]; then kill "$HOST_PID" 2>/dev/null || true; wait "$HOST_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap bench_cleanup EXIT

BASE="http://127.0.0.1:$HTTP_PORT"
HOST_DLL="${HOST_DLL:-src/Host/bin/Release/net10.0/OpsDash.Host.dll}"  # another build to compare with
dotnet "$HOST_DLL" --contentRoot "$PWD/src/Host" --urls "$BASE" \
    --Database:Embedded:DataDirectory="$WORK/pg" --Database:Embedded:Port="$PG_PORT" \
    --RateLimiting:Api:PermitLimit=1000000000 --RateLimiting:Auth:PermitLimit=1000000 --Email:AllowPickupInProduction=true \
    >"$WORK/host.log" 2>&1 &
HOST_PID=$!
for _ in $(seq 1 120); do curl -fs "$BASE/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$BASE/health/ready" >/dev/null || { echo "Host did not become ready:"; tail -20 "$WORK/host.log"; exit 1; }

psql_owner() { "$PG_BIN/psql" -X -q -t -A -h 127.0.0.1 -p "$PG_PORT" -U postgres -d opsdash "$@"; }
psql_app() { "$PG_BIN/psql" -X -q -t -A -h 127.0.0.1 -p "$PG_PORT" -U opsdash_app -d opsdash "$@"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

EMAIL="bench-$RANDOM@example.test"
curl -fs -H 'Content-Type: application/json' -d "{\"email\":\"$EMAIL\",\"password\":\"correct horse battery\",\"fullName\":\"Bench\"}" \
    "$BASE/api/v1/auth/signup" >/dev/null
TOKEN="$(curl -fs -H 'Content-Type: application/json' -d "{\"email\":\"$EMAIL\",\"password\":\"correct horse battery\"}" \
    "$BASE/api/v1/auth/login" | json 'd["accessToken"]')"
ME="$(curl -fs -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/me")"
USER_ID="$(echo "$ME" | json 'd["id"]')"
AUTH=(-H "Authorization: Bearer $TOKEN")

# "p50 p99 req/s" of GET path over DURATION seconds on one connection.
latency() {
    wrk -t1 -c1 -d"${DURATION}s" --latency "${AUTH[@]}" "$BASE$1" | python3 -c '
import re,sys
t=sys.stdin.read()
def ms(v,u): return float(v)*{"us":0.001,"ms":1,"s":1000}[u]
p=dict((k,ms(v,u)) for k,v,u in re.findall(r"\s(50|99)%\s+([\d.]+)(us|ms|s)",t))
rps=re.search(r"Requests/sec:\s+([\d.]+)",t).group(1)
print("%.2f %.2f %s" % (p["50"], p["99"], rps))'
}

# A keyset cursor as SortCursor.Encode writes it: sort, id, key (text, or UTC ticks for a time).
cursor_of() {
    python3 -c "import base64,uuid,sys; print(base64.urlsafe_b64encode(f'{sys.argv[1]}\n{uuid.UUID(sys.argv[2]).hex}\n{sys.argv[3]}'.encode()).decode().rstrip('='))" "$@"
}

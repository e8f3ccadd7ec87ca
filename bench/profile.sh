#!/usr/bin/env bash
# Where the Host's CPU goes per request (docs/performance.md, "Where the Host's time goes"). Starts the Host
# (Release, fresh embedded PostgreSQL, bench/lib.sh), warms one endpoint under wrk, then:
#   1. measures it untraced: req/s and the Host process's own CPU time per request (utime+stime from /proc),
#      with the runtime's GC counters (dotnet-counters, a local tool: .config/dotnet-tools.json);
#   2. samples the Host on CPU with perf for TRACE seconds under the same load and prints the share of its CPU
#      per area of the request path (bench/profile-areas.py).
# Loopback only; every phase is bounded in time. Installs perf (Debian's linux-perf) when missing. The Host runs
# with its perf map on and W^X off (so perf can name JIT-compiled code) in every phase, before and after alike.
# For allocations or a PerfView trace, the local dotnet-trace works on the running Host:
#   dotnet dotnet-trace collect -p PID --profile gc-verbose --duration 00:00:00:20
#
#   bench/profile.sh                        # GET /orgs/{slug}/members, 16 connections, 20 s warm-up, 10 s measured, 20 s sampled
#   ENDPOINT=me-orgs bench/profile.sh       # members | me-orgs | plan | live | anonymous (a 401)
#   TRACE=0 bench/profile.sh                # only the untraced figures (A/B runs of a change)
#   HOST_DLL=/tmp/before/OpsDash.Host.dll bench/profile.sh   # another build (a copy of src/Host/bin/Release/net10.0)
#   KEEP=/tmp/members.perf.txt bench/profile.sh   # keep the perf script output (re-run profile-areas.py on it)
#   HOST_ENV="DOTNET_gcServer=0" bench/profile.sh # extra environment for the Host only
set -euo pipefail
cd "$(dirname "$0")/.."

ENDPOINT="${ENDPOINT:-members}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"
WARMUP="${WARMUP:-20}"
DURATION="${DURATION:-10}"
TRACE="${TRACE:-20}"
HTTP_PORT="${HTTP_PORT:-5181}"
PG_PORT="${PG_PORT:-55434}"
PG_BIN="${OPSDASH_PG_BIN:-/usr/lib/postgresql/15/bin}"

dotnet tool restore >/dev/null
command -v perf >/dev/null || { apt-get update -qq && apt-get install -y -qq linux-perf >/dev/null; }
# /tmp/perf-PID.map names JIT-compiled code for perf; W^X off, or perf sees only the double-mapped alias of that code.
export DOTNET_PerfMapEnabled=3 DOTNET_EnableWriteXorExecute=0
if [ -n "${HOST_ENV:-}" ]; then export ${HOST_ENV?}; fi
# shellcheck source=bench/lib.sh
source bench/lib.sh

SLUG="$(echo "$ME" | json 'd["currentOrgSlug"]')"
case "$ENDPOINT" in
    members) path="/api/v1/orgs/$SLUG/members" ;;
    me-orgs) path="/api/v1/me/orgs" ;;
    plan) path="/api/v1/orgs/$SLUG/plan" ;;
    live) path="/health/live" ;;
    anonymous) path="/api/v1/orgs/$SLUG/members"; AUTH=() ;;
    *) echo "unknown ENDPOINT $ENDPOINT"; exit 2 ;;
esac

wrk_run() { # seconds -> wrk's summary
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${1}s" ${AUTH[@]+"${AUTH[@]}"} "$BASE$path"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$HOST_PID/stat"; }

echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); GET ${path/$SLUG/\{slug\}}, wrk -t$THREADS -c$CONNECTIONS"
wrk_run "$WARMUP" >/dev/null

# 1. Untraced: requests and the Host's CPU time over DURATION, GC counters alongside.
dotnet dotnet-counters collect -p "$HOST_PID" --format csv -o "$WORK/counters.csv" --duration "00:00:00:$(printf '%02d' "$DURATION")" \
    --counters System.Runtime >/dev/null 2>&1 &
COUNTERS_PID=$!
ticks0="$(cpu_ticks)"
summary="$(wrk_run "$DURATION")"
ticks1="$(cpu_ticks)"
wait "$COUNTERS_PID" || true
requests="$(echo "$summary" | awk '/requests in/ {print $1}')"
rps="$(echo "$summary" | awk '/Requests\/sec/ {print $2}')"
echo "$summary" | grep -q 'Non-2xx' && [ "$ENDPOINT" != anonymous ] && echo "# WARNING: $(echo "$summary" | grep Non-2xx)"
US_PER_REQUEST="$(python3 -c "import sys; print(round($(( ticks1 - ticks0 )) / $(getconf CLK_TCK) / $requests * 1e6))")"
echo "untraced: $rps req/s; Host CPU $(( (ticks1 - ticks0) / $(getconf CLK_TCK) )) s in $DURATION s = $US_PER_REQUEST us per request"
python3 bench/profile-counters.py "$WORK/counters.csv" "$requests" "$DURATION" || echo "(no GC counters read)"

[ "$TRACE" = 0 ] && exit 0
# 2. Sampled: the same load, the Host's threads sampled on CPU by perf (JIT-compiled frames named through the
#    perf map the runtime writes, DOTNET_PerfMapEnabled), attributed to areas by bench/profile-areas.py.
wrk_run "$((TRACE + 4))" >/dev/null &
WRK_PID=$!
sleep 2
perf record -F "${FREQUENCY:-499}" -e cpu-clock -g -p "$HOST_PID" -o "$WORK/perf.data" -- sleep "$TRACE" 2>&1 | grep -v '^\[ perf record' || true
wait "$WRK_PID" || true
perf script -i "$WORK/perf.data" -F comm,tid,ip,sym,dso 2>/dev/null >"$WORK/perf.txt"
python3 bench/profile-areas.py "$WORK/perf.txt" "$US_PER_REQUEST" --frames "${FRAMES:-15}"
if [ -n "${KEEP:-}" ]; then cp "$WORK/perf.txt" "$KEEP"; fi

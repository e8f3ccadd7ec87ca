#!/usr/bin/env bash
# Outbound webhook figures for docs/performance.md (issue 19, ADR 0020): the real Host in-process (job worker on, the
# webhooks queue as configured) on a fresh embedded PostgreSQL 15 in a temp folder, delivering to a receiver on loopback.
#   1. commit → receipt: contact.created events one every ~50 ms, through the outbox, the fan-out job and the delivery job;
#   2. sustained deliveries/s: a backlog of deliveries over 8 endpoints;
#   3. the same beside one endpoint that sleeps 10 s per request, with its deliveries queued first.
# Needs root or the postgres OS user's rights (embedded cluster) and postgresql-15.
#
#   bench/webhooks.sh
#   BENCH_DELIVERIES=5000 LATENCY_EVENTS=100 bench/webhooks.sh       # quicker
#   OPSDASH_Jobs__Queues__webhooks__Concurrency=64 bench/webhooks.sh   # worker settings as in the Host
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/ensure-prerequisites.sh
dotnet build bench/webhooks -c Release -nologo -v quiet >/dev/null

dotnet bench/webhooks/bin/Release/net10.0/OpsDash.Bench.Webhooks.dll \
    --Bench:Deliveries="${BENCH_DELIVERIES:-20000}" \
    --Bench:LatencyEvents="${LATENCY_EVENTS:-300}" \
    --Bench:FastEndpoints="${FAST_ENDPOINTS:-8}" \
    --Bench:SlowDeliveries="${SLOW_DELIVERIES:-200}" \
    --Bench:PgBin="${OPSDASH_PG_BIN:-/usr/lib/postgresql/15/bin}"

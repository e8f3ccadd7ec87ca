#!/usr/bin/env bash
# Job queue figures for docs/performance.md: on a fresh local PostgreSQL 15 cluster (the Host's
# embedded cluster in a temp folder, default settings plus pg_stat_statements), enqueue no-op jobs,
# drain them with the real JobWorker, time enqueue-to-start on an idle worker, and count what an idle
# Host sends. Statements and commits are the server's own counts (pg_stat_statements, pg_stat_database).
# Then the same figures for Hangfire 1.8 + Hangfire.PostgreSql (issue 18, ADR 0002) in its own database of the
# same cluster, 8 workers, printed side by side with ours.
# Needs root or the postgres OS user's rights (embedded cluster) and postgresql-15.
#
#   bench/jobs-drain.sh                                   # 100,000 jobs, 200 latency samples, 60 s idle,
#                                                         # then fairness: org B's job start with 100,000 of org A pending
#   ONLY=fairness bench/jobs-drain.sh                     # just the fairness figure (fair claim vs FIFO, one run)
#   ONLY=compare HANGFIRE_JOBS=10000 bench/jobs-drain.sh  # ours and Hangfire's, no fairness; Hangfire drains 10,000
#   HANGFIRE=false bench/jobs-drain.sh                    # without Hangfire
#   BENCH_JOBS=20000 IDLE_SECONDS=10 bench/jobs-drain.sh  # quicker
#   OPSDASH_Jobs__Queues__default__Concurrency=32 bench/jobs-drain.sh   # worker settings as in the Host
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/ensure-prerequisites.sh
dotnet build src/Host -c Release -nologo -v quiet >/dev/null
dotnet build bench/jobs-drain -c Release -nologo -v quiet >/dev/null

dotnet bench/jobs-drain/bin/Release/net10.0/OpsDash.Bench.JobsDrain.dll \
    --Bench:Jobs="${BENCH_JOBS:-100000}" \
    --Bench:LatencySamples="${LATENCY_SAMPLES:-200}" \
    --Bench:IdleSeconds="${IDLE_SECONDS:-60}" \
    --Bench:FloodJobs="${FLOOD_JOBS:-100000}" \
    --Bench:FloodJobMillis="${FLOOD_JOB_MS:-5}" \
    --Bench:Only="${ONLY:-}" \
    --Bench:Hangfire="${HANGFIRE:-true}" \
    --Bench:HangfireJobs="${HANGFIRE_JOBS:-${BENCH_JOBS:-100000}}" \
    --Bench:HangfireDurableJobs="${HANGFIRE_DURABLE_JOBS:-2000}" \
    --Bench:PgBin="${OPSDASH_PG_BIN:-/usr/lib/postgresql/15/bin}"

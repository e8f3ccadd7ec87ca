#!/usr/bin/env python3
"""Share of the Host's sampled CPU per area of the request path, from a dotnet-trace speedscope file.

The EventPipe sampler (dotnet-trace's dotnet-sampled-thread-time profile) records every managed thread's stack,
running or not; the converter ends each stack with CPU_TIME (in managed code) or UNMANAGED_CODE_TIME (in native
code: a syscall, OpenSSL, the GC, or a wait). A sample counts as busy unless its deepest managed frame is a wait
(thread pool semaphore, Monitor.Wait, epoll...).

Each busy sample goes to one area: first the library areas, by priority, wherever their frames are in the stack
(Npgsql called from OrgScopeFilter is Npgsql; JSON parsed inside the JWT handler is JWT); else the innermost
frame of our pipeline that names an area (OrgScopeFilter's own code is "session/tenant entry").

    bench/profile-areas.py host.speedscope.json [us-per-request] [--frames N]
"""
import collections
import json
import re
import sys

# Deepest managed frame of a thread that waits (not CPU), when the sample is in native code.
WAITS = re.compile(
    r"LowLevelLifoSemaphore\.WaitForSignal|LowLevelLifoSemaphore\.Wait\(|WaitHandle\.WaitOneNoCheck|Monitor\.Wait\(|"
    r"ManualResetEventSlim\.Wait|SocketAsyncEngine\.EventLoop|FileSystem\.?Watcher|ConsoleLoggerProcessor\.TryDequeue|"
    r"WorkerThread\.WorkerThreadStart|Thread\.Sleep|TimerQueue\.TimerThread|Heartbeat\.TimerLoop|LowLevelMonitor"
)
# Managed frames that spin while waiting for work: busy, but no request's.
SPIN = re.compile(r"LowLevelLifoSemaphore\.Wait\(|WorkerThread\.WorkerThreadStart|LowLevelSpinWaiter|LowLevelLifoSemaphore\.WaitForSignal")

# Library areas: the first (by priority) found anywhere in the stack wins.
LIBRARY_AREAS = [
    ("GC (allocations that poll or wait for a collection)", re.compile(r"PollGC|GCHeap|System\.GC\.")),
    ("Logging (request log line, console logger)", re.compile(
        r"^Microsoft\.Extensions\.Logging|^System\.Console!|LoggerMessage|RequestLogMiddleware\+<InvokeAsync>.*\bLog\b")),
    ("JWT validation (JwtBearer, IdentityModel, HMAC)", re.compile(
        r"^Microsoft\.IdentityModel|^Microsoft\.AspNetCore\.Authentication\.JwtBearer!|^System\.Security\.Cryptography!")),
    ("Npgsql (commands, protocol, its socket I/O)", re.compile(r"^Npgsql!")),
    ("Dapper (parameters, row mapping)", re.compile(r"^Dapper!|dynamicClass\.Deserialize|ParamInfo")),
    ("JSON serialization (System.Text.Json)", re.compile(r"^System\.Text\.Json!")),
    ("Swagger UI middleware (regex on every path)", re.compile(r"^Swashbuckle")),
    ("FluentValidation", re.compile(r"^FluentValidation!")),
]

# Pipeline areas: the innermost matching frame wins.
PIPELINE_AREAS = [
    ("Logging (request log line, console logger)", re.compile(r"RequestLogMiddleware")),
    ("Session/tenant entry (TenantContext, OrgScopeFilter, DbSession own code)", re.compile(
        r"TenantContextMiddleware|OrgScopeFilter|TenantContext\.|DbSession|OrgContext")),
    ("Endpoint filters (unit of work, validation, roles, NUL guard, size limit)", re.compile(
        r"UnitOfWorkFilter|ValidationFilter|RoleFilters|NulRejecting|RequestSizeLimit|EndpointFilter")),
    ("Rate limiting", re.compile(r"RateLimit")),
    ("Authentication other than the JWT (scheme selection, handlers)", re.compile(
        r"^Microsoft\.AspNetCore\.Authentication|ApiKeyAuthentication|AuthenticationSetup")),
    ("Authorization (fallback policy)", re.compile(r"^Microsoft\.AspNetCore\.Authorization")),
    ("Exception handler / status code pages", re.compile(r"ExceptionHandler|StatusCodePages")),
    ("Handler (module code)", re.compile(r"^OpsDash\.Modules\.")),
    ("Endpoint invocation (RequestDelegateFactory, DI)", re.compile(
        r"RequestDelegateFactory|^Microsoft\.Extensions\.DependencyInjection|dynamicClass\.lambda_method")),
    ("Kestrel, routing, sockets", re.compile(
        r"^Microsoft\.AspNetCore\.Server\.Kestrel|^Microsoft\.AspNetCore\.Routing|^Microsoft\.AspNetCore\.Http|"
        r"^Microsoft\.AspNetCore\.HostFiltering|^Microsoft\.AspNetCore\.Hosting|^System\.Net\.Sockets|^System\.IO\.Pipelines")),
]
SPIN_AREA = "Thread pool spinning for work (not a request's)"
OTHER = "Other (runtime, timers, background services)"


def area_of(real):
    for name, pattern in LIBRARY_AREAS:
        if any(pattern.search(f) for f in real):
            return name
    for frame in reversed(real):
        for name, pattern in PIPELINE_AREAS:
            if pattern.search(frame):
                return name
    return OTHER


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    top_frames = int(sys.argv[sys.argv.index("--frames") + 1]) if "--frames" in sys.argv else 0
    if top_frames:
        args = args[:-1]
    us_per_request = float(args[1]) if len(args) > 1 else None
    data = json.load(open(args[0]))
    names = [f["name"] for f in data["shared"]["frames"]]
    busy = collections.Counter()
    idle = 0.0
    leaves = collections.Counter()
    for profile in data["profiles"]:
        stack, last = [], None
        for event in profile["events"]:
            if last is not None and stack:
                dt = event["at"] - last
                kind = names[stack[-1]]
                real = [names[f] for f in stack if "!" in names[f] and names[f] != "?!?"]  # ?!? is native code
                deepest = real[-1] if real else "?"
                if kind == "UNMANAGED_CODE_TIME" and (not real or WAITS.search(deepest)):
                    idle += dt
                elif kind in ("CPU_TIME", "UNMANAGED_CODE_TIME"):
                    area = SPIN_AREA if SPIN.search(deepest) else area_of(real)
                    busy[area] += dt
                    leaves[deepest.split("(")[0]] += dt
            last = event["at"]
            if event["type"] == "O":
                stack.append(event["frame"])
            else:
                stack.pop()
    total = sum(busy.values())
    request_total = total - busy[SPIN_AREA]
    print(f"\nsampled busy time {total / 1000:.1f} thread-s, waiting {idle / 1000:.1f} thread-s")
    print(f"\n| area | share of the Host's busy samples | share without pool spinning |" +
          (" ~us per request |" if us_per_request else ""))
    print("|---|---|---|" + ("---|" if us_per_request else ""))
    for area, t in busy.most_common():
        share = t / total
        request_share = t / request_total if area != SPIN_AREA else None
        row = f"| {area} | {share:.1%} | {'-' if request_share is None else f'{request_share:.1%}'} |"
        if us_per_request:
            row += f" {share * us_per_request:,.0f} |"
        print(row)
    if top_frames:
        print("\nbusiest leaf frames:")
        for frame, t in leaves.most_common(top_frames):
            print(f"  {t / total:6.1%}  {frame[:150]}")


main()

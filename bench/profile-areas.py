#!/usr/bin/env python3
"""Share of the Host's CPU per area of the request path, from `perf script -F comm,tid,ip,sym,dso` output.

perf samples only threads that run on a CPU, so every sample is CPU time: managed frames are named through the
runtime's perf map (DOTNET_PerfMapEnabled), kernel frames are the syscalls they made, and the runtime's own native
code (libcoreclr, stripped) is attributed to the managed code that called it, or to the thread it ran on (the GC's
threads, the tiering JIT).

Each sample goes to one area: first the library areas, by priority, wherever their frames are in the stack
(Npgsql called from OrgScopeFilter is Npgsql; JSON parsed inside the JWT handler is JWT); else the innermost
frame of our pipeline that names an area (OrgScopeFilter's own code is "session/tenant entry").

    bench/profile-areas.py perf.txt [us-per-request] [--frames N]
"""
import collections
import json
import re
import sys

# A thread pool worker spinning for work (or yielding) before it sleeps: CPU, but no request's.
SPIN = re.compile(r"LowLevelLifoSemaphore\.|LowLevelSpinWaiter")
# Threads that run no request code, by perf's thread name.
THREAD_AREAS = [
    ("GC (collections on the GC's threads)", re.compile(r"GC|gc")),
    ("JIT tiering (background compilation)", re.compile(r"Tiered Com")),
    ("Logging (request log line, console logger)", re.compile(r"Console logger")),
    # A worker's own native code with no managed frame: waking up, parking (futex, sched_yield), context switches.
    ("Thread pool: waking and parking workers (context switches)", re.compile(r"\.NET TP Worker")),
    ("Kestrel, routing, sockets", re.compile(r"\.NET Sockets")),
]

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
SPIN_AREA = "Thread pool: spinning for work (not a request's)"
OTHER = "Other (runtime, timers, background services)"



def area_of(thread, real):
    if any(SPIN.search(f) for f in real):
        return SPIN_AREA
    for name, pattern in LIBRARY_AREAS:
        if any(pattern.search(f) for f in real):
            return name
    for frame in reversed(real):
        for name, pattern in PIPELINE_AREAS:
            if pattern.search(frame):
                return name
    for name, pattern in THREAD_AREAS:
        if pattern.search(thread):
            return name
    return OTHER


# "instance void [Npgsql] Npgsql.NpgsqlCommand+<ExecuteReader>d__122::MoveNext()[OptimizedTier1]" -> "Npgsql!Npgsql.NpgsqlCommand+<ExecuteReader>d__122.MoveNext"
MANAGED = re.compile(r"\[([\w.]+)\] (.+?)::([^(\[]+)")


def frame_name(symbol, dso):
    m = MANAGED.search(symbol)
    if m:
        return f"{m.group(1)}!{m.group(2)}.{m.group(3)}"
    if dso.endswith(".dll"):  # precompiled (ReadyToRun) code the perf map does not name
        return dso.rsplit("/", 1)[-1][:-4] + "!?"
    return None  # native: kernel, libc, libcoreclr


def samples(path):
    thread, frames, leaf = None, [], None
    for line in open(path, errors="replace"):
        if not line.strip():
            if thread is not None:
                yield thread, frames[::-1], leaf
            thread, frames, leaf = None, [], None
        elif not line[0].isspace():
            thread = line.rsplit(None, 1)[0].strip()
        else:
            parts = line.strip().split(" ", 1)
            rest = parts[1] if len(parts) > 1 else ""
            symbol, _, dso = rest.rpartition(" (")
            dso = dso.rstrip(")")
            name = frame_name(symbol, dso)
            if leaf is None:
                leaf = name or f"{symbol} ({dso.rsplit('/', 1)[-1]})"
            if name:
                frames.append(name)
    if thread is not None:
        yield thread, frames[::-1], leaf


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    top_frames = int(sys.argv[sys.argv.index("--frames") + 1]) if "--frames" in sys.argv else 0
    if top_frames:
        args = args[:-1]
    us_per_request = float(args[1]) if len(args) > 1 else None
    busy = collections.Counter()
    leaves = collections.Counter()
    for thread, real, leaf in samples(args[0]):
        busy[area_of(thread, real)] += 1
        leaves[leaf] += 1
    total = sum(busy.values())
    request_total = total - busy[SPIN_AREA]
    print(f"\n{total} samples on CPU")
    print("\n| area | share of the Host's CPU | share without pool spinning |" + (" ~us per request |" if us_per_request else ""))
    print("|---|---|---|" + ("---|" if us_per_request else ""))
    for area, n in busy.most_common():
        request_share = "-" if area == SPIN_AREA else f"{n / request_total:.1%}"
        row = f"| {area} | {n / total:.1%} | {request_share} |"
        if us_per_request:
            row += f" {n / total * us_per_request:,.0f} |"
        print(row)
    if top_frames:
        print("\nbusiest frames (where the CPU was when sampled):")
        for frame, n in leaves.most_common(top_frames):
            print(f"  {n / total:6.1%}  {frame[:160]}")


main()

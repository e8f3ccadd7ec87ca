#!/usr/bin/env python3
"""GC figures per request from a dotnet-counters CSV (System.Runtime) of the untraced run.

    bench/profile-counters.py counters.csv requests seconds
"""
import collections
import csv
import sys

path, requests, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rates = collections.defaultdict(float)
with open(path, newline="") as f:
    for row in csv.DictReader(f):
        if row["Counter Type"] == "Rate":
            name = row["Counter Name"].split(" (")[0] + ("[" + row["Counter Name"].split("[", 1)[1] if "[" in row["Counter Name"] else "")
            rates[name] += float(row["Mean/Increment"])
allocated = rates.get("dotnet.gc.heap.total_allocated", 0.0)
pause = rates.get("dotnet.gc.pause.time", 0.0)
collections_ = sum(v for k, v in rates.items() if k.startswith("dotnet.gc.collections"))
print(f"GC: {allocated / requests / 1024:,.1f} KiB allocated per request, {collections_} collections, "
      f"paused {pause:.2f} s of {seconds:.0f} s ({pause / seconds:.1%})")

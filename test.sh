#!/usr/bin/env bash
# Runs every test against a real PostgreSQL the tests start themselves, then prints one totals line:
# "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
./scripts/ensure-prerequisites.sh || exit 1

dotnet build OpsDash.sln -c Release -nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }

results="$(mktemp -d)"
dotnet test OpsDash.sln -c Release --no-build -nologo \
    --logger "console;verbosity=normal" --logger "trx" --results-directory "$results"
status=$?

# Totals from the TRX result files' <Counters .../> (one per test assembly).
sum() { cat "$results"/*.trx 2>/dev/null | grep -o "<Counters [^>]*" | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{ s += $1 } END { print s + 0 }'; }
# The failed tests again, last, so a log's tail names them.
if grep -q 'outcome="Failed"' "$results"/*.trx 2>/dev/null; then
    echo "Failed tests:"
    python3 - "$results"/*.trx <<'PY' || grep -ho 'testName="[^"]*" [^>]*outcome="Failed"' "$results"/*.trx
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for path in sys.argv[1:]:
    for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult[@outcome='Failed']", ns):
        message = result.findtext(".//t:Message", default="", namespaces=ns).strip().splitlines()
        print(f"  {result.get('testName')}: {message[0][:300] if message else ''}")
PY
fi
passed=$(sum passed); failed=$(sum failed); total=$(sum total); executed=$(sum executed)
skipped=$((total - executed))
rm -rf "$results"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"

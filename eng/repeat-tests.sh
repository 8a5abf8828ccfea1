#!/usr/bin/env bash
# Runs the whole suite N times in a row (default 10) on what is built, stopping at the first failing run,
# and prints one line per run: the run, its result and each assembly's counts. A flaky spec shows here
# before it blocks anyone. Build first (dotnet build Dealership.sln); RABBITMQ_URL as for the tests.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
logs=$(mktemp -d)
for i in $(seq "$runs"); do
  start=$(date +%s)
  dotnet test Dealership.sln --no-build > "$logs/run-$i.log" 2>&1
  result=$?
  counts=$(grep -E "^(Passed|Failed)!" "$logs/run-$i.log" \
    | sed -E 's/^(Passed|Failed)! +- Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+), Total: +([0-9]+), Duration: ([^-]+) - ([^ ]+)\.dll.*/\7 \3\/\5 (\6)/' \
    | paste -sd ';' -)
  echo "run $i/$runs: $([ $result -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - start )) s: $counts"
  if [ $result -ne 0 ]; then
    grep -E "\[FAIL\]" "$logs/run-$i.log" | sort -u
    echo "log: $logs/run-$i.log"
    exit 1
  fi
done
echo "$runs runs in a row passed (logs in $logs)"

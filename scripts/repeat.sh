#!/usr/bin/env bash
# Flakiness, measured: runs one test project N times in a row (built once, then --no-build) and prints one line per run
# (seconds, the load average when it ended, dotnet test's summary), then "N of N runs passed". A failing run's full
# output is kept in the results folder. Load the machine yourself for an "under load" figure (e.g. a second repeat.sh,
# or `yes >/dev/null &` once per core) and say how.
#   bash scripts/repeat.sh 50 steps/Acceptance                 # the acceptance suite on the emulator, 50 times
#   bash scripts/repeat.sh 20 mocks/Lab.Tests                  # the lab process with real clients, 20 times
#   bash scripts/repeat.sh 20 mocks/Lab.Tests --filter FullyQualifiedName~ParticleApiJs   # extra dotnet test arguments
source "$(dirname "$0")/lib.sh"
runs="${1:?how many runs}"; project="${2:?which test project}"; shift 2
ensure_test_prerequisites
export_fresh_tokens
results="$(new_results_dir)"
dotnet build "$ROOT/$project" -v q -nologo >/dev/null
passed=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  set +e
  dotnet test "$ROOT/$project" --no-build "$@" >"$results/run-$i.log" 2>&1
  set -e
  summary="$(grep -E '^(Passed|Failed)!' "$results/run-$i.log" | tail -n 1)"
  printf '%d %.1f s load=%s %s\n' "$i" "$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { print (b - a) / 1e9 }')" "$(cut -d' ' -f1 /proc/loadavg)" "${summary:-no summary (see run-$i.log)}" | tee -a "$results/runs.txt"
  if [[ "$summary" == Passed!* ]]; then passed=$((passed + 1)); rm -f "$results/run-$i.log"; fi
done
echo "$passed of $runs runs passed ($results/runs.txt)"
[ "$passed" = "$runs" ]

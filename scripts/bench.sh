#!/usr/bin/env bash
# Every benchmark of the harness's speed goals (issue 13), as a short BenchmarkDotNet job in Release: P1 one virtual day
# through the harness vs the bare emulator, P2 1/10/100/1,000 devices × 1 virtual hour, P3 end-to-end deliveries per
# second vs bare Kestrel and a plain WireMock.Net stub — every ratio measured in the same run. Raw reports (markdown,
# CSV, JSON, logs) land in results/bench-<time>/<goal>/; the last lines are one per goal, each with the load average and
# the thread-pool spin limit it ran at (load=… spin_limit=…).
#   bash scripts/bench.sh                      # everything, once (about 7 minutes)
#   BENCH_RUNS=3 bash scripts/bench.sh         # each goal 3 times, then its median run (this VM swings ±30 % between runs)
#   bash scripts/bench.sh --filter '*Fleet*'   # BenchmarkDotNet's own arguments pass through
source "$(dirname "$0")/lib.sh"
results="${E2E_RESULTS_DIR:-$ROOT/results/bench-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$results"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min); cores: $(nproc)"
dotnet build "$ROOT/mocks/Benchmarks/ParticleBlynk.Benchmarks.csproj" -c Release -v q -nologo >/dev/null
# Each goal runs in its own process (its benchmarks in one run, so its ratios come from the same run): a 1,000-board
# fleet's heap and threads weighed on the harness day measured after it in one process (211 → 335 ms over 5 iterations).
run() { # <name> <benchmark arguments…>: one process, its reports in $results/<name>/
  local name=$1
  shift
  mkdir -p "$results/$name"
  dotnet "$ROOT/mocks/Benchmarks/bin/Release/net10.0/ParticleBlynk.Benchmarks.dll" "$@" \
    --artifacts "$results/$name" --exporters json markdown csv 2>&1 | tee "$results/$name/console.log" \
    | grep -E '^(\| |// \*|Run time|ERROR|Exception)'
  return "${PIPESTATUS[0]}" # the benchmark's own status, whatever grep found
}
set +e
status=0
runs="${BENCH_RUNS:-1}"
if [ $# -eq 0 ]; then
  for goal in P1:HarnessDayBenchmark P2:FleetBenchmark P3:DeliveryThroughputBenchmark; do
    for ((i = 1; i <= runs; i++)); do
      name="${goal%%:*}"
      [ "$runs" -gt 1 ] && name="$name/run$i"
      run "$name" --filter "*${goal#*:}*" || status=1
      grep -E "^${goal%%:*} " "$results/$name/console.log" >> "$results/goals-all.txt"
    done
  done
  if [ "$runs" -gt 1 ]; then
    # Per goal, the run with the median figure (P1 ratio, P2 wall_s, P3 wiremock_ratio), and every run's figure beside it.
    for goal in P1:ratio P2:wall_s P3:wiremock_ratio; do
      grep -E "^${goal%%:*} " "$results/goals-all.txt" | awk -v key="${goal#*:}" '
        { for (f = 1; f <= NF; f++) if (index($f, key "=") == 1) v[NR] = substr($f, length(key) + 2) + 0; line[NR] = $0 }
        END { n = NR; for (i = 1; i <= n; i++) idx[i] = i
              for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[idx[j]] < v[idx[i]]) { t = idx[i]; idx[i] = idx[j]; idx[j] = t }
              all = ""; for (i = 1; i <= n; i++) all = all (i > 1 ? "/" : "") v[i]
              print line[idx[int((n + 1) / 2)]] " median_of=" n " " key "_runs=" all }' >> "$results/goals.txt"
    done
  else
    cp "$results/goals-all.txt" "$results/goals.txt"
  fi
else
  run all "$@" || status=1
  grep -E '^P[123] ' "$results/all/console.log" | grep -v ' not measured' >> "$results/goals.txt"
fi
set -e
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Raw reports: $results/*/results/"
cat "$results/goals.txt"
exit "$status"

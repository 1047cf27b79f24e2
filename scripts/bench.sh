#!/usr/bin/env bash
# Every benchmark of the harness's speed goals (issue 13), as a short BenchmarkDotNet job in Release: P1 one virtual day
# through the harness vs the bare emulator, P2 1/10/100/1,000 devices × 1 virtual hour, P3 end-to-end deliveries per
# second vs bare Kestrel and a plain WireMock.Net stub — every ratio measured in the same run. Raw reports (markdown,
# CSV, JSON, logs) land in results/bench-<time>/; the last lines are one per goal, each with the load average it ran at.
#   bash scripts/bench.sh                      # everything (a few minutes)
#   bash scripts/bench.sh --filter '*Fleet*'   # BenchmarkDotNet's own arguments pass through
source "$(dirname "$0")/lib.sh"
results="${E2E_RESULTS_DIR:-$ROOT/results/bench-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$results"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min); cores: $(nproc)"
dotnet build "$ROOT/mocks/Benchmarks/ParticleBlynk.Benchmarks.csproj" -c Release -v q -nologo >/dev/null
args=("$@")
if [ ${#args[@]} -eq 0 ]; then args=(--filter '*'); fi
set +e
dotnet "$ROOT/mocks/Benchmarks/bin/Release/net10.0/ParticleBlynk.Benchmarks.dll" "${args[@]}" \
  --artifacts "$results" --exporters json markdown csv 2>&1 | tee "$results/console.log" | grep -E '^(P[123] |\| |// \*|Run time|ERROR|Exception)' || true
status=${PIPESTATUS[0]}
set -e
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Raw reports: $results/results/"
grep -E '^P[123] ' "$results/console.log" > "$results/goals.txt" || true
cat "$results/goals.txt"
exit "$status"

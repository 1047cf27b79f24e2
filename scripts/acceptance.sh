#!/usr/bin/env bash
# The acceptance suite (features/) on one target (E2E_TARGET: emulator by default, emulator-observers, containers,
# hardware), with the report: TRX, JUnit and Reqnroll's HTML. For containers it starts a Docker engine when none runs
# (installing Debian's docker.io if needed), builds the lab image, and stops the engine it started.
source "$(dirname "$0")/lib.sh"
ensure_test_prerequisites
export_fresh_tokens
target="${E2E_TARGET:-emulator}"
results="$(new_results_dir)"
status=0
if [ "$target" = containers ]; then
  prepare_containers || exit 1
fi
run_dotnet_test "$results" "$ROOT/steps/Acceptance/ParticleBlynk.Acceptance.csproj" \
  --settings "$ROOT/runsettings/$target.runsettings" "$@" || status=$?
echo "Results: $results (TRX, junit/, reqnroll_report.html, console.log)"
scan_for_tokens "$results" || status=1
summarize_trx "$results"
exit $status

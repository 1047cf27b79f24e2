#!/usr/bin/env bash
# The acceptance suite (features/) on the emulator target; writes TRX, JUnit and Reqnroll's HTML report.
source "$(dirname "$0")/lib.sh"
ensure_test_prerequisites
export_fresh_tokens
results="$(new_results_dir)"
status=0
run_dotnet_test "$results" "$ROOT/steps/Acceptance/ParticleBlynk.Acceptance.csproj" \
  --settings "$ROOT/runsettings/${E2E_TARGET:-emulator}.runsettings" "$@" || status=$?
echo "Results: $results (TRX, junit/, reqnroll_report.html, console.log)"
scan_for_tokens "$results" || status=1
summarize_trx "$results"
exit $status

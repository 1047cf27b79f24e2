#!/usr/bin/env bash
# Every test: unit tests of each component, the real-client and browser tests, and the acceptance suite on the emulator.
source "$(dirname "$0")/lib.sh"
ensure_test_prerequisites
export_fresh_tokens
results="$(new_results_dir)"
status=0
run_dotnet_test "$results" "$ROOT/E2E.sln" --settings "$ROOT/runsettings/emulator.runsettings" "$@" || status=$?
echo "Results: $results (TRX, junit/, reqnroll_report.html, console.log)"
scan_for_tokens "$results" || status=1
summarize_trx "$results"
exit $status

#!/usr/bin/env bash
# Every test: the unit tests of each component (the containers target's against the lab image), the real clients, the
# browser and the acceptance suite on the emulator target; the acceptance suite seen only through public interfaces
# (emulator-observers) and on the containers target (the lab image under Testcontainers); then the hardware self-test's
# smoke selection (the hardware target over a pty and over ser2net); last the contract probes' mutation self-test. Last line: N passed, N failed, N skipped (every TRX).
source "$(dirname "$0")/lib.sh"
ensure_test_prerequisites
export_fresh_tokens
results="$(new_results_dir)"
status=0
# A Docker engine and the lab image first: the solution holds the containers target's own tests.
prepare_containers || exit 1
run_dotnet_test "$results/emulator" "$ROOT/E2E.sln" --settings "$ROOT/runsettings/emulator.runsettings" "$@" || status=$?
E2E_RESULTS_DIR="$results/emulator-observers" E2E_TARGET=emulator-observers bash "$ROOT/scripts/acceptance.sh" || status=1
E2E_RESULTS_DIR="$results/containers" E2E_TARGET=containers bash "$ROOT/scripts/acceptance.sh" || status=1
E2E_RESULTS_DIR="$results/hardware" bash "$ROOT/scripts/hardware-selftest.sh" || status=1
# The contract probes against the lab, then with each UNCONFIRMED choice flipped: every flip must show as drift.
E2E_RESULTS_DIR="$results/contracts" bash "$ROOT/scripts/contracts.sh" --self-test || status=1
echo "Results: $results (emulator/, emulator-observers/, containers/, hardware/: TRX, junit/, reqnroll_report.html, console.log; contracts/: drift and self-test reports)"
scan_for_tokens "$results" || status=1
summarize_trx "$results"
exit $status

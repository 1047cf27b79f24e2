#!/usr/bin/env bash
# The hardware target proven without a board (issue: hardware in the loop). An emulated board runs behind a
# pseudo-terminal, writing exactly the firmware's serial output; the standalone lab, on real time, plays
# api.particle.io and Blynk at loopback URLs. The hardware target is configured only as a lab engineer configures a
# real board — the tty, the API URLs, the tokens, a reset and an unplug command — and runs:
#   1. every scenario eligible on hardware over the tty itself,
#   2. the same through ser2net exporting the tty on 127.0.0.1 (socket://),
# the unplug scenario (a pulled cable, the gap in the journal) included in both.
#
#   bash scripts/hardware-selftest.sh            # the smoke selection (@smoke): what CI runs, about 1 minute
#   bash scripts/hardware-selftest.sh --all      # every scenario eligible on hardware (includes 5-minute waits)
# Last line: N passed, N failed, N skipped (both runs).
source "$(dirname "$0")/lib.sh"
ensure_test_prerequisites
filter="Category=smoke"
if [ "${1:-}" = "--all" ]; then filter=""; shift; fi

work="$(mktemp -d /tmp/e2e-hil.XXXXXX)"
lab_pid=""; ser2net_pid=""; renew_pid=""
# Under set -e a failing command in the trap would change the script's exit status: every step here is allowed to fail.
cleanup() {
  if [ -n "$renew_pid" ]; then kill "$renew_pid" 2>/dev/null || true; fi
  if [ -n "$ser2net_pid" ]; then kill "$ser2net_pid" 2>/dev/null || true; wait "$ser2net_pid" 2>/dev/null || true; fi
  if [ -n "$lab_pid" ]; then kill "$lab_pid" 2>/dev/null || true; wait "$lab_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build "$ROOT/mocks/Lab/ParticleBlynk.Lab.csproj" -v q -nologo >/dev/null
dotnet build "$ROOT/steps/Acceptance/ParticleBlynk.Acceptance.csproj" -v q -nologo >/dev/null

# The bench: fresh tokens, one Boron on the seed firmware whose USB serial is a tty at $work/ttyBoron.
device="e00fce68d3b2a1c4f5e6a7b8"
particle_token="$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')"
blynk_token="$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '\n')"
tty="$work/ttyBoron"
cat > "$work/bench-lab.json" <<JSON
{
  "particle": {
    "accounts": [ { "username": "bench@example.com", "accessTokens": [ "$particle_token" ] } ],
    "webhooks": [ { "owner": "bench@example.com", "integrationFile": "$ROOT/mocks/SeedIntegration/particle-webhook.json" } ]
  },
  "devices": [
    { "id": "$device", "name": "bench_boron", "platform": "Boron", "sketch": "seed", "token": "$blynk_token",
      "owner": "bench@example.com", "serialPty": "$tty" }
  ],
  "blynk": {
    "templates": [ { "id": "TMPL4ej7--Xu_", "name": "ParticleDeviceBlueprint", "datastreams": [
      { "pin": "V6", "name": "last_publish", "type": "String" },
      { "pin": "V14", "name": "millis", "type": "Integer", "min": 0, "max": 2147483647, "defaultValue": "0", "isRaw": true },
      { "pin": "V15", "name": "sensor", "type": "Double", "min": 0, "max": 3.3, "decimals": "#.##", "isRaw": true },
      { "pin": "V16", "name": "switch", "type": "Integer", "min": 0, "max": 1, "defaultValue": "0", "isRaw": true },
      { "pin": "V17", "name": "led", "type": "Integer", "min": 0, "max": 1, "defaultValue": "0", "isRaw": true } ] } ],
    "devices": [ { "id": 1, "token": "$blynk_token", "name": "Bench Boron", "templateId": "TMPL4ej7--Xu_", "regionHost": "ny3.blynk.cloud" } ],
    "webhooks": [ { "name": "particle blynk_led", "url": "https://api.particle.io/v1/devices/$device/blynk_led",
      "deviceId": 1, "pin": "V16", "method": "Post", "contentType": "CustomJson", "body": "{\"args\":\"{device_pinValue}\"}",
      "headers": { "Authorization": "Bearer $particle_token" }, "failureNotificationThreshold": 10 } ]
  }
}
JSON

# The lab's lease: with no control request for 2 minutes it stops by itself, so a run killed before its trap ran leaves
# no lab behind. The renewal below lives only as long as this script.
dotnet "$ROOT/mocks/Lab/bin/Debug/net10.0/ParticleBlynk.Lab.dll" --config "$work/bench-lab.json" --ignore-stdin --exit-when-idle 00:02:00 \
  >"$work/ready" 2>"$work/lab.log" &
lab_pid=$!
for _ in $(seq 1 600); do
  if grep -q '^READY ' "$work/ready" 2>/dev/null; then break; fi
  if ! kill -0 "$lab_pid" 2>/dev/null; then echo "The lab exited:"; tail -20 "$work/lab.log"; exit 1; fi
  sleep 0.1
done
ready="$(grep '^READY ' "$work/ready")" || { echo "The lab printed no READY line within 60 s:"; tail -20 "$work/lab.log"; exit 1; }
field() { printf '%s' "$ready" | grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
control="$(field url)"; control_token="$(field token)"
[ -n "$control" ] && [ -n "$control_token" ] || { echo "READY has no control API: $ready"; exit 1; }
script_pid=$$
( while kill -0 "$script_pid" 2>/dev/null; do
    curl -sf -o /dev/null -H "Authorization: Bearer $control_token" "$control/sessions" || true
    sleep 20
  done ) &
renew_pid=$!

# Exactly what a lab engineer sets for a real board (hardware/README.md), with the lab's loopback URLs.
export E2E_HARDWARE_DEVICE_ID="$device"
export E2E_HARDWARE_PARTICLE_TOKEN="$particle_token"
export E2E_HARDWARE_BLYNK_TOKEN="$blynk_token"
export E2E_HARDWARE_BLYNK_HOST="ny3.blynk.cloud"
export E2E_HARDWARE_PARTICLE_API="$(field particleUrl)"
export E2E_HARDWARE_BLYNK_API="$(field blynkUrl)"
export E2E_HARDWARE_PLATFORM="Boron"
export E2E_HARDWARE_FIRMWARE="seed"
export E2E_HARDWARE_RESET_COMMAND="curl -sf -o /dev/null -X POST -H 'Authorization: Bearer $control_token' $control/sessions/default/boards/$device/reset"
export E2E_HARDWARE_UNPLUG_COMMAND="curl -sf -o /dev/null -X POST -H 'Authorization: Bearer $control_token' -H 'Content-Type: application/json' -d \"{\\\"for\\\":\\\"\$(printf '00:00:%02d' \$E2E_UNPLUG_SECONDS)\\\"}\" $control/sessions/default/boards/$device/serial/unplug"
# The acceptance run's own fresh tokens are the bench's: the artefact scan greps for these.
export E2E_PARTICLE_TOKEN="$particle_token" E2E_BLYNK_TOKEN="$blynk_token"

results="$(new_results_dir)"
status=0
run_hardware() {
  local name="$1" port="$2"
  shift 2
  mkdir -p "$results/$name"
  echo "== hardware target over $name ($port)"
  # The serial link's own log (opened, lost and why, cannot open and why): shown when the run fails.
  if ! E2E_HARDWARE_PORT="$port" E2E_HARDWARE_LINK_LOG="$results/$name/serial-link.log" run_dotnet_test "$results/$name" \
    "$ROOT/steps/Acceptance/ParticleBlynk.Acceptance.csproj" --no-build \
    --settings "$ROOT/runsettings/hardware.runsettings" ${filter:+--filter "$filter"} "$@"; then
    status=1
    echo "serial link log ($results/$name/serial-link.log):"
    tail -40 "$results/$name/serial-link.log" 2>/dev/null || echo "(empty)"
  fi
}

# 1. The tty itself, as /dev/ttyACM0 would be.
run_hardware tty "$tty" "$@"

# 2. A board farm: ser2net exports the tty on 127.0.0.1 as a raw TCP port (socket://).
port="$(free_port)"
cat > "$work/ser2net.yaml" <<YAML
connection: &bench
  accepter: tcp,127.0.0.1,$port
  connector: serialdev,$tty,9600n81,local
  options:
    kickolduser: true
YAML
ser2net -n -d -c "$work/ser2net.yaml" >"$work/ser2net.log" 2>&1 &
ser2net_pid=$!
for _ in $(seq 1 100); do grep -qi "$(printf ':%04X ' "$port")" /proc/net/tcp && break; sleep 0.05; done
run_hardware ser2net "socket://127.0.0.1:$port" "$@"

echo "Results: $results (tty/, ser2net/: TRX, junit/, reqnroll_report.html, console.log); lab log: kept below on failure"
[ "$status" = 0 ] || tail -40 "$work/lab.log"
scan_for_tokens "$results" || status=1
summarize_trx "$results"
exit $status

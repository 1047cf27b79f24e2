#!/usr/bin/env bash
# Contract probes (issue 15): every contract fact the mocks embody, checked against a service.
#
#   bash scripts/contracts.sh                    # CI: the catalogue against the standalone lab it starts; all must match
#   bash scripts/contracts.sh --self-test        # … then the lab with each UNCONFIRMED choice flipped and a few facts
#                                                #     broken: every flip must show as drift
#   bash scripts/contracts.sh --particle-url https://api.particle.io --blynk-url https://ny3.blynk.cloud
#                                                # the real clouds (never from CI): credentials from the environment,
#                                                # E2E_CONTRACT_PARTICLE_TOKEN, E2E_CONTRACT_BLYNK_TOKEN,
#                                                # E2E_CONTRACT_PARTICLE_DEVICE, E2E_CONTRACT_PARTICLE_OFFLINE_DEVICE,
#                                                # E2E_CONTRACT_SETUP (docs/contract-probes.md)
#   bash scripts/contracts.sh --dry-run [--particle-url … --blynk-url …]
#                                                # print every request a real run would send (tokens masked)
#   … --write-lab-config my-lab.json             # write the answers seen into a lab file (particle / blynk.behaviour)
#
# Report: results/contracts/<UTC time>/ (drift.md, drift.json, requests.log, console.log; self-test.md/json). Needs only
# the .NET SDK; installs nothing. Every artefact is scanned for the run's tokens. Last line: N passed, N failed.
source "$(dirname "$0")/lib.sh"

results="${E2E_RESULTS_DIR:-$ROOT/results/contracts/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$results"

# Other builds may run at the same time: a locked file or a missing metadata file is worth a retry.
build_probes() {
  local out attempt
  for attempt in 1 2 3; do
    if out="$(dotnet build "$ROOT/steps/Contracts/ParticleBlynk.Contracts.csproj" -v q -nologo 2>&1)"; then return 0; fi
    if [ "$attempt" -lt 3 ] && grep -qiE "Metadata file .* could not be found|being used by another process|is locked" <<<"$out"; then
      echo "build: another build holds a file; retrying ($attempt) …"; sleep 5; continue
    fi
    grep -E "error" <<<"$out" | sort -u | head -20
    return 1
  done
}
if ! build_probes; then echo "0 passed, 1 failed"; exit 1; fi

real=0
for arg in "$@"; do case "$arg" in --particle-url|--blynk-url) real=1 ;; esac; done
export_fresh_tokens   # the lab's tokens: the probe lab is configured with them, the artefacts are scanned for them

set +e
dotnet "$ROOT/steps/Contracts/bin/Debug/net10.0/ParticleBlynk.Contracts.dll" --results "$results" "$@" 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}
set -e
summary="$(tail -n 1 "$results/console.log")"

if [ "$real" = 1 ]; then
  scan_tokens=("${E2E_CONTRACT_PARTICLE_TOKEN:-}" "${E2E_CONTRACT_BLYNK_TOKEN:-}")
else
  scan_tokens=("$E2E_PARTICLE_TOKEN" "$E2E_BLYNK_TOKEN" "${E2E_CONTRACT_PARTICLE_TOKEN:-}" "${E2E_CONTRACT_BLYNK_TOKEN:-}")
fi
scan="$ROOT/steps/ArtefactScan/bin/Debug/net10.0/ParticleBlynk.ArtefactScan.dll"
dotnet build "$ROOT/steps/ArtefactScan/ParticleBlynk.ArtefactScan.csproj" -v q -nologo >/dev/null
if ! dotnet "$scan" --self-check >/dev/null || ! dotnet "$scan" "$results" "${scan_tokens[@]}" > "$results/token-scan.txt"; then
  echo "A token was written in full (see $results/token-scan.txt)."
  if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then summary="${BASH_REMATCH[1]} passed, $(( BASH_REMATCH[2] + 1 )) failed"; fi
  status=1
fi
echo "Results: $results"
echo "$summary"
exit "$status"

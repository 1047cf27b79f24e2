#!/usr/bin/env bash
# Per target: how many scenario cases run and how many skip, grouped by the capability the target lacks (a markdown table).
#   bash scripts/targets.sh             # prints it
#   bash scripts/targets.sh --readme    # and writes it into README.md (between the targets.sh markers)
source "$(dirname "$0")/lib.sh"
dotnet build "$ROOT/steps/Acceptance/ParticleBlynk.Acceptance.csproj" -v q -nologo >/dev/null
dotnet build "$ROOT/steps/TargetMatrix/ParticleBlynk.TargetMatrix.csproj" -v q -nologo >/dev/null
readme=()
if [ "${1:-}" = "--readme" ]; then readme=(--readme "$ROOT/README.md"); fi
dotnet "$ROOT/steps/TargetMatrix/bin/Debug/net10.0/ParticleBlynk.TargetMatrix.dll" "$ROOT/steps/Acceptance/bin/Debug/net10.0" "${readme[@]}"

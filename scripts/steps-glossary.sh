#!/usr/bin/env bash
# Rewrites docs/steps.md, the glossary of every step phrasing with an example from the feature files, from the step
# bindings (reflection over [Given]/[When]/[Then] of steps/Acceptance). StepGlossaryTests fails when it is stale.
#   bash scripts/steps-glossary.sh
source "$(dirname "$0")/lib.sh"
E2E_WRITE_STEPS_GLOSSARY=1 dotnet test "$ROOT/steps/Acceptance/ParticleBlynk.Acceptance.csproj" -v q -nologo \
  --filter "FullyQualifiedName~StepGlossaryTests" >/dev/null
echo "Wrote $ROOT/docs/steps.md ($(grep -c '^- \*\*' "$ROOT/docs/steps.md") step phrasings)"

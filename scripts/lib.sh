# Shared by the two commands: installs what the tests need (Debian packages, --no-install-recommends) when missing,
# and makes one results folder per run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

apt_ensure() {
  # apt_ensure <command> <package>...: installs the packages when the command is missing.
  local cmd="$1"; shift
  if command -v "$cmd" >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "warning: '$cmd' is missing and cannot be installed here (need root and apt-get); tests that need it will say so." >&2
    return 0
  fi
  echo "Installing $* (for '$cmd') ..."
  if [ -z "${E2E_APT_UPDATED:-}" ]; then DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null; export E2E_APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

ensure_test_prerequisites() {
  apt_ensure chromium chromium          # dashboard scenarios drive Debian's Chromium through Playwright
  apt_ensure node nodejs                # particle-api-js runs on the machine's Node.js
  apt_ensure npm npm                    # the real-client tests install particle-cli / particle-api-js from npm
  apt_ensure curl curl                  # the Blynk HTTPS API checks send the docs' curl examples
  apt_ensure ser2net ser2net            # the serial bridge's board-farm tests export a pty over TCP and RFC 2217
}

# Fresh random tokens for the emulated account and Blynk device of every scenario, unless the caller set them: the run's
# artefacts are then scanned for them (scan_for_tokens), so a token written in full anywhere fails the run.
export_fresh_tokens() {
  if [ -z "${E2E_PARTICLE_TOKEN:-}" ]; then
    E2E_PARTICLE_TOKEN="$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')"
  fi
  if [ -z "${E2E_BLYNK_TOKEN:-}" ]; then
    E2E_BLYNK_TOKEN="$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '\n')"
  fi
  export E2E_PARTICLE_TOKEN E2E_BLYNK_TOKEN
}

# Greps every artefact of a results folder (TRX, JUnit, Reqnroll HTML/ndjson with their embedded attachments, the console
# log) for the run's tokens. Fails when one is there in full.
scan_for_tokens() {
  local results="$1"
  local scan="$ROOT/steps/ArtefactScan/bin/Debug/net10.0/ParticleBlynk.ArtefactScan.dll"
  dotnet build "$ROOT/steps/ArtefactScan/ParticleBlynk.ArtefactScan.csproj" -v q -nologo >/dev/null
  dotnet "$scan" --self-check && dotnet "$scan" "$results" "$E2E_PARTICLE_TOKEN" "$E2E_BLYNK_TOKEN"
}

# A free TCP port on 127.0.0.1 (for a service started by a script, e.g. ser2net).
free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! grep -qi "$(printf ':%04X ' "$port")" /proc/net/tcp /proc/net/tcp6 2>/dev/null; then echo "$port"; return; fi
  done
}

new_results_dir() {
  local dir="${E2E_RESULTS_DIR:-$ROOT/results/$(date -u +%Y%m%dT%H%M%SZ)}"
  mkdir -p "$dir"
  echo "$dir"
}

# dotnet test with TRX + JUnit into one folder; Reqnroll's HTML report goes there through E2E_RESULTS_DIR.
run_dotnet_test() {
  local results="$1"; shift
  mkdir -p "$results"
  export E2E_RESULTS_DIR="$results"
  # The commit the sign-off summary (signoff.md) names; "+changes" when the work tree differs from it.
  E2E_GIT_COMMIT="$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
  git -C "$ROOT" diff --quiet HEAD 2>/dev/null || E2E_GIT_COMMIT="$E2E_GIT_COMMIT+changes"
  export E2E_GIT_COMMIT
  # Reqnroll's per-formatter override (REQNROLL_FORMATTERS_<name>) puts its reports in the run's folder.
  export REQNROLL_FORMATTERS_html="outputFilePath=$results/reqnroll_report.html"
  export REQNROLL_FORMATTERS_message="outputFilePath=$results/reqnroll_report.ndjson"
  # -m:1: one test project at a time — the browser, the real clients and the virtual-time watchdogs stay far from
  # their wall-clock bounds on a 2-core machine.
  # The console log is kept with the results: it is an artefact too, scanned for tokens.
  dotnet test "$@" -m:1 \
    --results-directory "$results" \
    --logger "trx;LogFilePrefix=results" \
    --logger "junit;LogFilePath=$results/junit/{assembly}.junit.xml;MethodFormat=Class;FailureBodyFormat=Verbose" \
    --logger "console;verbosity=normal" 2>&1 | tee -a "$results/console.log"
  return "${PIPESTATUS[0]}"
}

# The containers target needs a Docker engine and the lab image. Starts the engine when none answers (and stops it when
# the calling script exits), builds the image. Without an engine: on CI (E2E_CI=1) the run fails; elsewhere the target's
# scenarios skip, each saying there is no engine.
prepare_containers() {
  source "$ROOT/scripts/docker.sh"
  if ! docker_ensure_engine; then
    if [ -n "${E2E_CI:-}" ]; then
      echo "error: the Docker engine did not start: the containers target cannot run on CI." >&2
      return 1
    fi
    echo "warning: no Docker engine: every containers scenario skips, saying so." >&2
    return 0
  fi
  trap 'docker_stop_engine' EXIT
  bash "$ROOT/scripts/lab-image.sh" || return 1
}

# Prints "N passed, N failed[, N skipped]" summed over the TRX files of a results folder.
summarize_trx() {
  local results="$1"
  find "$results" -name '*.trx' -print0 | xargs -0 -r grep -ho '<Counters [^>]*>' | awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"|\/?>/, "", kv[2]); c[kv[1]] += kv[2] } }
    END { skipped = c["total"] - c["executed"]; printf "%d passed, %d failed, %d skipped\n", c["passed"], c["failed"] + c["error"] + c["timeout"] + c["aborted"], skipped }'
}

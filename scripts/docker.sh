#!/usr/bin/env bash
# A Docker engine for the container tests, on a machine with no registry and maybe no engine.
#   Library:  source scripts/docker.sh; docker_ensure_engine || …; …; docker_stop_engine
#   CLI:      bash scripts/docker.sh start|stop|status|env      (env prints `export …` lines for eval)
# Sourcing defines functions and E2E_DOCKER_LABEL only: no shell options changed, nothing started.
# Facts behind each choice: /work/shared/infra-notes.md, sections 1 and 4.

# Every container the harness starts carries this label (the lab image has it too, so its containers inherit it).
E2E_DOCKER_LABEL="e2e.harness=particle-blynk"

_docker_state_dir() { echo "${E2E_STATE_DIR:-/tmp/e2e-docker}"; }

_docker_socket() {
  # A developer's engine may live elsewhere (rootless, DOCKER_HOST=unix://…); tcp/ssh hosts go through the CLI.
  case "${DOCKER_HOST:-}" in
    "") echo /var/run/docker.sock ;;
    unix://*) echo "${DOCKER_HOST#unix://}" ;;
    *) echo "" ;;
  esac
}

_docker_ping() {
  local sock; sock="$(_docker_socket)"
  if [ -n "$sock" ]; then
    [ -S "$sock" ] && curl -sf --max-time 2 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1
  else
    docker version >/dev/null 2>&1
  fi
}

# Highest API version the engine speaks (Debian's dockerd 20.10: 1.41).
_docker_api_version() {
  local sock; sock="$(_docker_socket)"
  if [ -n "$sock" ]; then
    curl -sf --max-time 2 --unix-socket "$sock" http://localhost/version | sed -n 's/.*"ApiVersion":"\([0-9.]*\)".*/\1/p'
  else
    DOCKER_API_VERSION='' docker version -f '{{.Server.APIVersion}}' 2>/dev/null
  fi
}

# The pid of the dockerd this script started, if it still runs (pid file + /proc/<pid>/comm, against pid reuse).
_docker_our_pid() {
  local pidfile pid
  pidfile="$(_docker_state_dir)/dockerd.pid"
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] && ! _docker_is_zombie "$pid" && echo "$pid"
}

_docker_is_zombie() { [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
_docker_alive() { [ -e "/proc/$1" ] && ! _docker_is_zombie "$1"; }

_docker_export_env() {
  # Testcontainers 4.16 asks for API 1.44; Debian's dockerd stops at 1.41, and Docker 29 refuses anything below 1.44,
  # so pin the engine's own version only when it is older than 1.44. A caller's explicit value wins.
  if [ -z "${DOCKER_API_VERSION:-}" ]; then
    local api; api="$(_docker_api_version || true)"
    if [ -n "$api" ] && [ "$(printf '%s\n1.44\n' "$api" | sort -V | awk 'NR == 1')" = "$api" ] && [ "$api" != 1.44 ]; then
      export DOCKER_API_VERSION="$api"
    fi
  fi
  # No Ryuk: its image is on Docker Hub, which is unreachable; the harness disposes containers and the CI trap
  # runs docker_remove_harness_containers.
  export TESTCONTAINERS_RYUK_DISABLED=true
  # /.dockerenv exists on this VM, so Testcontainers would report the gateway ("" with host networking) as the host.
  export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
  # No buildx here: the classic builder, explicitly (the 28.2 client still prints a deprecation notice).
  export DOCKER_BUILDKIT="${DOCKER_BUILDKIT:-0}"
}

# Installs docker.io (and curl) when missing, starts dockerd when no engine answers, waits until it is ready,
# exports the Testcontainers environment. Returns 1 with a message when there is no engine: the caller decides
# (CI fails; a developer machine skips the container tests).
docker_ensure_engine() {
  local state log pid timeout t0 dockerd_bin waited=0 missing=()
  state="$(_docker_state_dir)"; log="$state/dockerd.log"
  timeout="${E2E_DOCKERD_TIMEOUT:-30}"

  command -v curl >/dev/null 2>&1 || missing+=(curl)
  if ! _docker_ping 2>/dev/null; then
    command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
      echo "docker: ${missing[*]} missing and cannot be installed here (need root and apt-get)." >&2
      return 1
    fi
    echo "docker: installing ${missing[*]} ..." >&2
    if [ -z "${E2E_APT_UPDATED:-}" ]; then
      DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null || { echo "docker: apt-get update failed." >&2; return 1; }
      export E2E_APT_UPDATED=1
    fi
    # policy-rc.d (exit 101) stops the package from starting a service; there is no systemd anyway.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
      || { echo "docker: apt-get install ${missing[*]} failed." >&2; return 1; }
  fi

  if _docker_ping; then
    _docker_export_env
    if pid="$(_docker_our_pid)"; then echo "docker: engine ready (dockerd $pid, started by this script)." >&2
    else echo "docker: using the engine already running (it will be left running)." >&2; fi
    return 0
  fi

  if ! pid="$(_docker_our_pid)"; then
    if [ -n "${DOCKER_HOST:-}" ] && [ "$DOCKER_HOST" != unix:///var/run/docker.sock ]; then
      echo "docker: DOCKER_HOST=$DOCKER_HOST does not answer; not starting a local dockerd behind its back." >&2
      return 1
    fi
    if [ "$(id -u)" != 0 ]; then
      echo "docker: no engine answers on /var/run/docker.sock and starting dockerd needs root." >&2
      return 1
    fi
    # Zombies do not count: this VM's init reaps an exited dockerd only after a while.
    local other
    for other in $(pgrep -x dockerd 2>/dev/null || true); do
      if _docker_alive "$other"; then
        echo "docker: a dockerd not started by this script runs but does not answer (pid $other); not starting another." >&2
        return 1
      fi
    done
    mkdir -p "$state"
    echo "docker: starting dockerd (log: $log) ..." >&2
    # No default bridge, no iptables, no forwarding: containers run with --network host only; nothing leaves loopback.
    dockerd_bin="$(command -v dockerd || echo /usr/sbin/dockerd)"
    # A simple command, so that $! is dockerd itself (in `cd x && dockerd &` it would be a subshell).
    "$dockerd_bin" --bridge=none --iptables=false --ip6tables=false --ip-forward=false >"$log" 2>&1 &
    pid=$!
    echo "$pid" >"$state/dockerd.pid"
  fi

  t0="$(date +%s.%N)"
  # Ready in about 1 s here; bounded, and fail fast when dockerd dies.
  until _docker_ping; do
    if ! _docker_alive "$pid"; then
      echo "docker: dockerd exited before answering. Last lines of $log:" >&2
      tail -n 20 "$log" >&2 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      rm -f "$state/dockerd.pid"
      return 1
    fi
    if [ "$waited" -ge $((timeout * 4)) ]; then
      echo "docker: dockerd (pid $pid) did not answer within ${timeout}s. Last lines of $log:" >&2
      tail -n 20 "$log" >&2 2>/dev/null || true
      docker_stop_engine >/dev/null 2>&1 || true
      return 1
    fi
    sleep 0.25; waited=$((waited + 1))
  done
  _docker_export_env
  echo "docker: engine ready in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s (dockerd $pid, API ${DOCKER_API_VERSION:-default})." >&2
}

# Removes every container labelled e2e.harness=particle-blynk, running or not (after a crashed or killed run).
docker_remove_harness_containers() {
  _docker_ping || return 0
  local ids
  ids="$(docker ps -aq --filter "label=$E2E_DOCKER_LABEL" 2>/dev/null || true)"
  [ -n "$ids" ] || return 0
  echo "docker: removing $(echo "$ids" | wc -l) harness container(s)." >&2
  # shellcheck disable=SC2086 # one id per word
  docker rm -f $ids >/dev/null 2>&1 || echo "docker: warning: could not remove some of: $ids" >&2
}

# Removes harness containers, then stops the dockerd this script started (and its containerd child).
# A no-op for an engine someone else started.
docker_stop_engine() {
  local state pid children c waited=0
  state="$(_docker_state_dir)"
  docker_remove_harness_containers
  if ! pid="$(_docker_our_pid)"; then
    rm -f "$state/dockerd.pid"
    return 0
  fi
  # containerd (and any shim left) are dockerd's children: note them to check that they go too.
  children="$(pgrep -P "$pid" 2>/dev/null | tr '\n' ' ' || true)"
  kill -TERM "$pid" 2>/dev/null || true
  # dockerd stops the containers left and then containerd; 20 s bound, then SIGKILL.
  while _docker_alive "$pid" && [ "$waited" -lt 80 ]; do sleep 0.25; waited=$((waited + 1)); done
  if _docker_alive "$pid"; then
    echo "docker: dockerd $pid ignored SIGTERM for 20s; killing it." >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true  # reaps it when this shell started it; otherwise init does
  waited=0
  for c in $children; do
    while _docker_alive "$c" && [ "$waited" -lt 20 ]; do sleep 0.25; waited=$((waited + 1)); done
    if _docker_alive "$c"; then
      echo "docker: $(cat "/proc/$c/comm" 2>/dev/null) $c outlived dockerd; killing it." >&2
      kill -KILL "$c" 2>/dev/null || true
    fi
  done
  rm -f "$state/dockerd.pid"
  echo "docker: dockerd $pid stopped." >&2
}

_docker_status() {
  local pid
  if _docker_ping; then
    if pid="$(_docker_our_pid)"; then echo "engine: up, dockerd $pid started by scripts/docker.sh"
    else echo "engine: up, not started by scripts/docker.sh (left alone by stop)"; fi
    echo "api: $(_docker_api_version || echo '?')"
    echo "harness containers: $(docker ps -aq --filter "label=$E2E_DOCKER_LABEL" 2>/dev/null | wc -l)"
  else
    echo "engine: down"
    return 1
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    start) docker_ensure_engine ;;
    stop) docker_stop_engine ;;
    status) _docker_status ;;
    env)
      _docker_ping || { echo "docker: no engine answers (run: bash scripts/docker.sh start)" >&2; exit 1; }
      _docker_export_env
      for v in DOCKER_API_VERSION TESTCONTAINERS_RYUK_DISABLED TESTCONTAINERS_HOST_OVERRIDE DOCKER_BUILDKIT; do
        [ -n "${!v:-}" ] && echo "export $v=${!v}"
      done
      ;;
    *) echo "usage: bash scripts/docker.sh start|stop|status|env" >&2; exit 2 ;;
  esac
fi

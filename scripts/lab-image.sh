#!/usr/bin/env bash
# Builds the standalone lab's container image without downloading any base image (no registry is reachable here):
# a self-contained single-file publish plus the host libs it links, FROM scratch (mocks/Lab/image/Dockerfile.scratch).
#   bash scripts/lab-image.sh [--tag TAG] [--compressed]
# Starts the Docker engine when none answers and leaves it running (stop it with: bash scripts/docker.sh stop).
# Last line: IMAGE <tag> size_mb=<n> build_s=<n>
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/scripts/docker.sh"

tag=particle-blynk-lab:dev
publish_args=()
ready_to_run=true
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag="${2:?--tag needs a value}"; shift 2 ;;
    # About half the size (52 MB); decompresses at every start (ready in ~1.5 s instead of ~0.9 s).
    --compressed) publish_args+=(-p:EnableCompressionInSingleFile=true); shift ;;
    # JIT at every start instead of ahead-of-time code for the lab's own assemblies and WireMock.Net (the framework is
    # precompiled either way; not composite: recompiling the whole framework takes ~3 min on 2 cores for nothing).
    --no-ready-to-run) ready_to_run=false; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "lab-image: unknown argument '$1' (try --help)." >&2; exit 2 ;;
  esac
done

if [ "$(uname -m)" != x86_64 ]; then
  echo "lab-image: publishes for linux-x64 and copies this host's x86_64 libs; this host is $(uname -m)." >&2
  exit 1
fi

seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

work="$ROOT/artifacts/lab-image"
publish="$work/publish"
ctx="$work/context"
exe_name=ParticleBlynk.Lab

# Not trimmed: PublishTrimmed makes Kestrel fail at start (TypeLoadException in X509Certificate2Collection).
echo "Publishing mocks/Lab (self-contained, single file) ..."
t0="$(date +%s.%N)"
rm -rf "$publish"
dotnet publish "$ROOT/mocks/Lab/ParticleBlynk.Lab.csproj" -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:InvariantGlobalization=true -p:PublishReadyToRun=$ready_to_run -p:PublishReadyToRunComposite=false "${publish_args[@]}" -o "$publish" -v:q -nologo -clp:ErrorsOnly
publish_s="$(seconds_since "$t0")"
[ -x "$publish/$exe_name" ] || { echo "lab-image: $publish/$exe_name was not produced." >&2; exit 1; }
echo "PUBLISH publish_s=$publish_s exe_mb=$(du -m "$publish/$exe_name" | cut -f1)"

# The context: the Dockerfile and a root file system, nothing else (the classic builder sends all of it).
rm -rf "$ctx"
mkdir -p "$ctx/rootfs/app" "$ctx/rootfs/lib64" "$ctx/rootfs/lib/x86_64-linux-gnu" "$ctx/rootfs/tmp"
chmod 1777 "$ctx/rootfs/tmp"
cp "$ROOT/mocks/Lab/image/Dockerfile.scratch" "$ctx/Dockerfile"
# Everything publish produced but symbols, keeping its layout: the demo config (Lab/demo-lab.json) names
# ../SeedIntegration/particle-webhook.json relative to itself. Hard links: the exe is ~100 MB.
cp -al "$publish/." "$ctx/rootfs/app/" 2>/dev/null || cp -a "$publish/." "$ctx/rootfs/app/"
find "$ctx/rootfs/app" -name '*.pdb' -delete

# The exe's own libs (libc, libm, libstdc++, … and the loader) plus OpenSSL, which .NET dlopens for TLS only.
copy_lib() {  # copy_lib <soname or loader path> <resolved path>
  local name="$1" path="$2"
  case "$name" in
    */ld-linux-x86-64.so.2) cp -L "$path" "$ctx/rootfs/lib64/ld-linux-x86-64.so.2" ;;
    *) cp -L "$path" "$ctx/rootfs/lib/x86_64-linux-gnu/$(basename "$name")" ;;
  esac
}
libs_of() { ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 } $1 ~ /^\// { print $1, $1 }'; }
ssl_libs=()
for so in libssl.so.3 libcrypto.so.3; do
  # No early `exit` in awk: ldconfig would get SIGPIPE, and pipefail + set -e would end the script silently.
  path="$(ldconfig -p | awk -v so="$so" '$1 == so && /x86-64/ && !found { print $NF; found = 1 }')"
  if [ -n "$path" ]; then ssl_libs+=("$path"); copy_lib "$so" "$path"
  else echo "lab-image: warning: $so not found on this host; the image will have no TLS." >&2; fi
done
while read -r name path; do copy_lib "$name" "$path"; done < <( { libs_of "$publish/$exe_name"; for l in "${ssl_libs[@]}"; do libs_of "$l"; done; } | sort -u)
[ -f "$ctx/rootfs/lib64/ld-linux-x86-64.so.2" ] || { echo "lab-image: ldd listed no loader for $exe_name." >&2; exit 1; }
echo "Context: $(du -sm "$ctx" | cut -f1) MB; libs: $(ls "$ctx/rootfs/lib/x86_64-linux-gnu" "$ctx/rootfs/lib64" | grep -c '\.so')"

docker_ensure_engine
old_id="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
echo "Building $tag (FROM scratch, nothing pulled) ..."
t0="$(date +%s.%N)"
# The classic builder's deprecation notice goes to the log; shown only when the build fails.
docker build -q -t "$tag" --label "e2e.harness=particle-blynk" "$ctx" >/dev/null 2>"$work/build.log" \
  || { cat "$work/build.log" >&2; echo "lab-image: docker build failed." >&2; exit 1; }
build_s="$(seconds_since "$t0")"
new_id="$(docker image inspect -f '{{.Id}}' "$tag")"
# Re-running replaces the tag; drop the image it pointed to, unless a container still uses it.
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then docker image rm "$old_id" >/dev/null 2>&1 || true; fi
size_mb="$(docker image inspect -f '{{.Size}}' "$tag" | awk '{ printf "%.1f", $1 / 1000000 }')"
echo "IMAGE $tag size_mb=$size_mb build_s=$build_s"
